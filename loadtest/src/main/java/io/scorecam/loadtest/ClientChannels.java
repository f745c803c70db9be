package io.scorecam.loadtest;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

/** Plaintext channels to a server ("host:port"), with an optional bearer token. */
public final class ClientChannels {
    private static final int MAX_INBOUND = 256 << 20; // maps as float values can be large

    private ClientChannels() {
    }

    public static ManagedChannel open(String hostPort, String authToken) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("--server must be host:port, got '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--server port must be a number, got '" + hostPort + "'");
        }
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(host, port).usePlaintext()
                .maxInboundMessageSize(MAX_INBOUND)
                // frames are large: let a few be in the air per stream before flow control holds them
                .flowControlWindow(8 << 20);
        if (authToken != null && !authToken.isBlank()) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + authToken);
            ClientInterceptor auth = MetadataUtils.newAttachHeadersInterceptor(headers);
            b.intercept(auth);
        }
        return b.build();
    }
}
