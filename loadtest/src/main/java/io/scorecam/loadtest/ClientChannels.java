package io.scorecam.loadtest;

import io.grpc.ClientInterceptor;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.scorecam.api.support.ServerTargets;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

/** Plaintext channels to a server or several (see {@link ServerTargets}), with an optional bearer token. */
public final class ClientChannels {
    private static final int MAX_INBOUND = 256 << 20; // maps as float values can be large

    private ClientChannels() {
    }

    /**
     * @param hostPort host:port, h1:p1,h2:p2 (round_robin over them) or a resolver target (dns:///name:port)
     */
    public static ManagedChannel open(String hostPort, String authToken) {
        ManagedChannelBuilder<?> b = ServerTargets.builder(hostPort, InsecureChannelCredentials.create())
                .maxInboundMessageSize(MAX_INBOUND);
        if (b instanceof NettyChannelBuilder netty) {
            // frames are large: let a few be in the air per stream before flow control holds them
            netty.flowControlWindow(8 << 20);
        }
        if (authToken != null && !authToken.isBlank()) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + authToken);
            ClientInterceptor auth = MetadataUtils.newAttachHeadersInterceptor(headers);
            b.intercept(auth);
        }
        return b.build();
    }
}
