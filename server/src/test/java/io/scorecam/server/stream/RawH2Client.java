package io.scorecam.server.stream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * TEST ONLY: a bare HTTP/2 client (netty's frame codec) for faults below gRPC: any header, any gRPC framing
 * byte (compressed flag, length), headers larger than the server's SETTINGS allow, several calls on one
 * connection. Each call collects the response DATA, the trailers, a reset, and the connection's GOAWAY.
 */
final class RawH2Client implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<Http2FrameStream, Call> calls = new ConcurrentHashMap<>();
    private final int port;
    private final Channel channel;
    private Inbound inbound;
    volatile Http2GoAwayFrame goAway;
    private final CountDownLatch settingsRead = new CountDownLatch(1);
    private volatile Http2Settings serverSettings;

    /** One HTTP/2 stream. */
    static final class Call {
        final Http2FrameStream stream;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final CountDownLatch done = new CountDownLatch(1);
        volatile Http2Headers headers;
        volatile Http2Headers trailers;
        volatile Long resetCode;

        Call(Http2FrameStream stream) {
            this.stream = stream;
        }

        /** Waits for the end of the response (trailers, reset or GOAWAY); false on timeout. */
        boolean await(long ms) throws InterruptedException {
            return done.await(ms, TimeUnit.MILLISECONDS);
        }

        /** grpc-status from the trailers (or a trailers-only response), or null. */
        String status() {
            Http2Headers t = trailers != null ? trailers : headers;
            CharSequence s = t == null ? null : t.get("grpc-status");
            return s == null ? null : s.toString();
        }

        String message() {
            Http2Headers t = trailers != null ? trailers : headers;
            CharSequence s = t == null ? null : t.get("grpc-message");
            return s == null ? null : java.net.URLDecoder.decode(s.toString().replace("+", "%2B"),
                    java.nio.charset.StandardCharsets.UTF_8);
        }

        /** The gRPC messages of the response body. */
        synchronized List<byte[]> messages() {
            List<byte[]> out = new ArrayList<>();
            ByteBuffer b = ByteBuffer.wrap(data.toByteArray());
            while (b.remaining() >= 5) {
                b.get();
                int len = b.getInt();
                byte[] m = new byte[len];
                b.get(m);
                out.add(m);
            }
            return out;
        }
    }

    RawH2Client(int port) throws InterruptedException {
        this.port = port;
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
                        .encoderIgnoreMaxHeaderListSize(true) // send what a hostile client would
                        .initialSettings(Http2Settings.defaultSettings().initialWindowSize(1 << 20))
                        .build();
                inbound = new Inbound();
                ch.pipeline().addLast(codec, inbound);
            }
        });
        channel = b.connect("127.0.0.1", port).sync().channel();
    }

    /** The 5-byte gRPC prefix + payload. */
    static byte[] grpcFrame(boolean compressedFlag, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).put((byte) (compressedFlag ? 1 : 0)).putInt(payload.length)
                .put(payload).array();
    }

    /** Opens a gRPC call on {@code path} with extra headers (name, value, name, value...). */
    Call open(String path, boolean endStream, String... extraHeaders) throws Exception {
        Http2Headers h = new DefaultHttp2Headers().method("POST").scheme("http").path(path)
                .authority("127.0.0.1:" + port);
        h.add("content-type", "application/grpc");
        h.add("te", "trailers");
        for (int i = 0; i < extraHeaders.length; i += 2) {
            h.add(extraHeaders[i], extraHeaders[i + 1]);
        }
        java.util.concurrent.CompletableFuture<Call> opened = new java.util.concurrent.CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            Http2FrameStream s = inbound.newStream();
            Call c = new Call(s);
            calls.put(s, c);
            channel.writeAndFlush(new DefaultHttp2HeadersFrame(h, endStream).stream(s));
            opened.complete(c);
        });
        return opened.get(5, TimeUnit.SECONDS);
    }

    void send(Call c, byte[] bytes, boolean endStream) {
        channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), endStream).stream(c.stream));
    }

    /** The server's first SETTINGS frame, waiting for it up to {@code ms}; null if none came. */
    Http2Settings serverSettings(long ms) throws InterruptedException {
        settingsRead.await(ms, TimeUnit.MILLISECONDS);
        return serverSettings;
    }

    boolean connectionOpen() {
        return channel.isActive() && goAway == null;
    }

    @Override
    public void close() {
        channel.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private final class Inbound extends Http2ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame f) {
                Call c = calls.get(f.stream());
                if (c != null) {
                    if (c.headers == null) {
                        c.headers = f.headers();
                    } else {
                        c.trailers = f.headers();
                    }
                    if (f.isEndStream()) {
                        c.done.countDown();
                    }
                }
            } else if (msg instanceof Http2DataFrame f) {
                Call c = calls.get(f.stream());
                int bytes = f.initialFlowControlledBytes();
                if (c != null) {
                    synchronized (c) {
                        ByteBuf content = f.content();
                        byte[] chunk = new byte[content.readableBytes()];
                        content.readBytes(chunk);
                        c.data.writeBytes(chunk);
                    }
                    if (f.isEndStream()) {
                        c.done.countDown();
                    }
                }
                f.release();
                if (bytes > 0) {
                    ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(bytes).stream(f.stream()));
                }
            } else if (msg instanceof Http2ResetFrame f) {
                Call c = calls.get(f.stream());
                if (c != null) {
                    c.resetCode = f.errorCode();
                    c.done.countDown();
                }
            } else if (msg instanceof Http2SettingsFrame f) {
                if (serverSettings == null) {
                    serverSettings = f.settings();
                    settingsRead.countDown();
                }
            } else if (msg instanceof Http2GoAwayFrame g) {
                goAway = g.retain();
                calls.values().forEach(c -> c.done.countDown());
            } else {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }
    }
}
