package io.scorecam.api.support;

import io.grpc.ChannelCredentials;
import io.grpc.EquivalentAddressGroup;
import io.grpc.Grpc;
import io.grpc.ManagedChannelBuilder;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * What a client's {@code --server} may be, as grpc-java targets: {@code host:port} (one server), a comma-separated
 * list {@code h1:p1,h2:p2} (several replicas), or a resolver URI such as {@code dns:///scorecam-headless:50051}
 * (every address DNS returns, e.g. a Kubernetes headless Service). Lists and URIs balance calls over the servers
 * with grpc-java's {@code round_robin}; a server that goes away drops out and its calls fail UNAVAILABLE.
 */
public final class ServerTargets {
    /** The scheme of the list resolver registered here (grpc-java has no built-in one for a fixed list). */
    static final String LIST_SCHEME = "scorecam-list";

    private ServerTargets() {
    }

    /**
     * @throws IllegalArgumentException naming the problem, for the caller to report as a usage error
     */
    public static ManagedChannelBuilder<?> builder(String server, ChannelCredentials credentials) {
        String s = server == null ? "" : server.strip();
        if (s.contains("://")) {
            URI uri = URI.create(s);
            if (uri.getScheme() == null || (uri.getPath() == null || uri.getPath().length() <= 1)) {
                throw new IllegalArgumentException("--server '" + s + "' must be SCHEME:///NAME:PORT, e.g. dns:///scorecam:50051");
            }
            return Grpc.newChannelBuilder(s, credentials).defaultLoadBalancingPolicy("round_robin");
        }
        List<String[]> hosts = parseList(s);
        if (hosts.size() == 1) {
            return Grpc.newChannelBuilderForAddress(hosts.get(0)[0], Integer.parseInt(hosts.get(0)[1]), credentials);
        }
        ListResolverProvider.registerOnce();
        return Grpc.newChannelBuilder(LIST_SCHEME + ":///" + s, credentials).defaultLoadBalancingPolicy("round_robin");
    }

    /** Checks the value without opening anything (for a fast usage error). */
    public static void check(String server) {
        String s = server == null ? "" : server.strip();
        if (s.contains("://")) {
            URI uri = URI.create(s);
            if (uri.getScheme() == null || uri.getPath() == null || uri.getPath().length() <= 1) {
                throw new IllegalArgumentException("--server '" + s + "' must be SCHEME:///NAME:PORT, e.g. dns:///scorecam:50051");
            }
            return;
        }
        parseList(s);
    }

    /** host:port[,host:port...] as {host, port} pairs; IPv6 hosts in brackets. */
    static List<String[]> parseList(String s) {
        List<String[]> out = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.strip();
            int colon = p.lastIndexOf(':');
            if (colon <= 0 || colon == p.length() - 1) {
                throw new IllegalArgumentException("--server '" + s + "': '" + p + "' must be HOST:PORT, e.g. localhost:50051"
                        + " (several: h1:p1,h2:p2; or dns:///name:port)");
            }
            String host = p.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(p.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--server '" + s + "': port of '" + p + "' must be 1..65535");
            }
            out.add(new String[] {host, Integer.toString(port)});
        }
        return out;
    }

    /** Resolves scorecam-list:///h1:p1,h2:p2 to those addresses (each host looked up once, at start). */
    static final class ListResolverProvider extends NameResolverProvider {
        private static volatile boolean registered;

        static synchronized void registerOnce() {
            if (!registered) {
                NameResolverRegistry.getDefaultRegistry().register(new ListResolverProvider());
                registered = true;
            }
        }

        @Override
        protected boolean isAvailable() {
            return true;
        }

        @Override
        protected int priority() {
            return 5;
        }

        @Override
        public String getDefaultScheme() {
            return LIST_SCHEME;
        }

        @Override
        public NameResolver newNameResolver(URI target, NameResolver.Args args) {
            if (!LIST_SCHEME.equals(target.getScheme())) {
                return null;
            }
            String list = target.getPath().substring(1);
            return new NameResolver() {
                @Override
                public String getServiceAuthority() {
                    return parseList(list).get(0)[0];
                }

                @Override
                public void start(Listener2 listener) {
                    List<EquivalentAddressGroup> groups = new ArrayList<>();
                    for (String[] hp : parseList(list)) {
                        SocketAddress address = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
                        groups.add(new EquivalentAddressGroup(address));
                    }
                    if (groups.isEmpty()) {
                        listener.onError(Status.UNAVAILABLE.withDescription("no servers in " + list));
                        return;
                    }
                    listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
                }

                @Override
                public void shutdown() {
                }
            };
        }
    }
}
