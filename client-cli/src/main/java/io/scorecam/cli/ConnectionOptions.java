package io.scorecam.cli;

import io.scorecam.cli.errors.CliException;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ManagedChannelRegistry;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.scorecam.api.support.ServerTargets;
import io.grpc.stub.MetadataUtils;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the server is and how to talk to it: shared by every command that calls a server. */
public final class ConnectionOptions {
    /** Maps at the frame's own resolution can be large: accept up to this much per response. */
    private static final int MAX_INBOUND_BYTES = 256 * 1024 * 1024;

    @Option(names = "--server", paramLabel = "HOST:PORT", defaultValue = "${env:SCORECAM_SERVER:-localhost:50051}",
            description = "Server address; several as h1:p1,h2:p2, or a resolver target such as "
                    + "dns:///scorecam-headless:50051: streams are then balanced round_robin (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:SCORECAM_TOKEN}",
            description = "Bearer token sent as 'authorization: Bearer TOKEN'.")
    String token;

    @Option(names = "--tls", description = "Use TLS (trusting the system's CAs, or --ca).")
    boolean tls;

    @Option(names = "--ca", paramLabel = "PEM", description = "CA certificate(s) to trust for TLS; implies --tls.")
    Path ca;

    /** Checks the flags before any work is done, so a typo fails fast with a usage error. */
    public void check() {
        try {
            ServerTargets.check(server);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.USAGE);
        }
        if (ca != null && !Files.isReadable(ca)) {
            throw new CliException("--ca " + ca + ": no such readable file", CliException.USAGE);
        }
    }

    /** Opens a channel; the caller shuts it down. */
    public ManagedChannel open() {
        ManagedChannelBuilder<?> builder;
        try {
            builder = ServerTargets.builder(server, credentials());
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.USAGE);
        } catch (ManagedChannelRegistry.ProviderNotFoundException e) {
            // the only way it fails here is credentials netty cannot use, i.e. a CA file without certificates
            throw new CliException("--ca " + ca + " is not a PEM certificate the TLS stack can use", CliException.USAGE);
        }
        builder.maxInboundMessageSize(MAX_INBOUND_BYTES);
        if (token != null && !token.isBlank()) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token.strip());
            builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        return builder.build();
    }

    public String server() {
        return server;
    }

    private ChannelCredentials credentials() {
        if (ca == null && !tls) {
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder tlsBuilder = TlsChannelCredentials.newBuilder();
        if (ca != null) {
            if (!Files.isReadable(ca)) {
                throw new CliException("--ca " + ca + ": no such readable file", CliException.USAGE);
            }
            try {
                tlsBuilder.trustManager(ca.toFile());
            } catch (IOException | IllegalArgumentException e) {
                throw new CliException("--ca " + ca + " is not a PEM certificate: " + e.getMessage(), CliException.USAGE);
            }
        }
        return tlsBuilder.build();
    }
}
