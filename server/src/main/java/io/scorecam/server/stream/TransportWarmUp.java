package io.scorecam.server.stream;

import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpcClient;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.server.config.ServerConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load-time warm-up's second phase: frames through the server's own gRPC port over loopback, so the
 * transport's code (HTTP/2 reads and writes, gRPC framing, protobuf parsing, {@link MessageReader},
 * {@link StreamSession} and its window, {@link UnaryExplainCall}) is compiled before the first client frame,
 * not only the frame path {@link WarmUp} calls directly. Per model: one ExplainStream with two frames in flight
 * and unary Explain calls one after another, both cycling over the model's fast pairs until the budget is
 * spent. Calls carry the {@link WarmUpKey} and the bearer token when one is set, over TLS when the server
 * speaks it (trusting its own certificate). Never fails: a failure ends the phase with one log line.
 */
final class TransportWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(TransportWarmUp.class);
    private static final int STREAM_IN_FLIGHT = 2;
    /** How long past the budget the frames in flight may take before the phase is cut off. */
    static final long GRACE_MS = 1000;

    /** What a run did: OK frames answered on streams and by unary calls, and the first failure (null: none). */
    record Result(int streamFrames, int unaryFrames, int streams, String failure) {
        int frames() {
            return streamFrames + unaryFrames;
        }
    }

    private final Vertx vertx;
    private final SocketAddress address;
    private final HttpClientOptions http;
    private final long maxResponseBytes;
    private final Map<String, String> headers;
    private final WarmUpFrames frames;

    /** @param headers sent with every call: the warm-up key, and the bearer token when one is configured */
    TransportWarmUp(Vertx vertx, SocketAddress address, HttpClientOptions http, long maxResponseBytes,
                    Map<String, String> headers, WarmUpFrames frames) {
        this.vertx = vertx;
        this.address = address;
        this.http = http;
        this.maxResponseBytes = maxResponseBytes;
        this.headers = Map.copyOf(headers);
        this.frames = frames;
    }

    /** A warm-up of the server this config describes, listening on {@code port}, with these headers. */
    static TransportWarmUp of(Vertx vertx, ServerConfig config, int port, Map<String, String> headers,
                              WarmUpFrames frames) {
        String host = config.host();
        // a wildcard bind answers on loopback; a named address only on itself
        boolean wildcard = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        HttpClientOptions http = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                // as grpc-java's default flow-control window: responses with overlays are large
                .setInitialSettings(new Http2Settings().setInitialWindowSize(1 << 20))
                .setConnectTimeout(5_000);
        if (config.tlsEnabled()) {
            // its own certificate is the one to trust; the loopback address is not the certificate's name
            http.setSsl(true).setUseAlpn(true).setVerifyHost(false)
                    .setTrustOptions(new PemTrustOptions().addCertPath(config.tlsCert().toString()));
        }
        return new TransportWarmUp(vertx, SocketAddress.inetSocketAddress(port, wildcard ? "127.0.0.1" : host), http,
                config.maxResponseBytes(), headers, frames);
    }

    /** Completes (never exceptionally) when the budget is spent and the calls have ended, or GRACE_MS later. */
    Future<Result> run(List<ExplainRequest.Builder> pairs, long budgetMs) {
        return run(pairs, budgetMs, true);
    }

    /** As {@link #run(List, long)}; {@code logEach} false: a failure is logged, a success not (the caller sums up). */
    Future<Result> run(List<ExplainRequest.Builder> pairs, long budgetMs, boolean logEach) {
        if (pairs.isEmpty() || budgetMs <= 0) {
            return Future.succeededFuture(new Result(0, 0, 0, null));
        }
        Map<String, List<ExplainRequest.Builder>> byModel = new LinkedHashMap<>();
        pairs.forEach(p -> byModel.computeIfAbsent(p.getModel(), m -> new ArrayList<>()).add(p));
        Context context = vertx.getOrCreateContext();
        Promise<Result> done = Promise.promise();
        context.runOnContext(v -> {
            Run run = new Run(context, System.nanoTime() + budgetMs * 1_000_000L);
            List<Future<Void>> lanes = new ArrayList<>();
            for (List<ExplainRequest.Builder> model : byModel.values()) {
                lanes.add(stream(run, model).onFailure(run::fail));
                lanes.add(unary(run, model, 0).onFailure(run::fail));
            }
            long cutOff = vertx.setTimer(budgetMs + GRACE_MS, id -> {
                run.fail(new IllegalStateException("frames still in flight " + GRACE_MS + " ms after the budget"));
                run.calls.forEach(GrpcClientRequest::cancel);
                done.tryComplete(run.result());
            });
            Future.join(lanes).onComplete(ar -> {
                vertx.cancelTimer(cutOff);
                done.tryComplete(run.result());
            });
            done.future().onComplete(ar -> run.client.close());
        });
        long start = System.nanoTime();
        return done.future().onSuccess(r -> {
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (r.failure() == null && logEach) {
                LOG.info("transport warm-up: {} frame(s) through {} ({} on {} stream(s), {} unary) over {} "
                                + "model/method pair(s) in {} ms", r.frames(), address, r.streamFrames(), r.streams(),
                        r.unaryFrames(), pairs.size(), ms);
            } else if (r.failure() != null) {
                LOG.warn("transport warm-up failed after {} frame(s) in {} ms, serving anyway: {}", r.frames(), ms,
                        r.failure());
            }
        });
    }

    /** One ExplainStream: two frames in flight until the end, then half-close and wait for the status. */
    private Future<Void> stream(Run run, List<ExplainRequest.Builder> pairs) {
        Promise<Void> done = Promise.promise();
        run.client.request(address, ExplainServiceGrpcClient.ExplainStream).onFailure(done::tryFail).onSuccess(req -> {
            run.prepare(req);
            run.streams.incrementAndGet();
            int[] sent = {0};
            int[] inFlight = {0};
            boolean[] ended = {false};
            Runnable next = new Runnable() {
                @Override
                public void run() {
                    if (ended[0]) {
                        return;
                    }
                    if (run.over()) {
                        if (inFlight[0] == 0) {
                            ended[0] = true;
                            req.end();
                        }
                        return;
                    }
                    int k = sent[0]++;
                    inFlight[0]++;
                    run.frame(pairs, k).onSuccess(req::write).onFailure(e -> {
                        done.tryFail(e);
                        req.cancel();
                    });
                }
            };
            req.response().onFailure(done::tryFail).onSuccess(resp -> {
                resp.handler((ExplainResponse answer) -> {
                    inFlight[0]--;
                    run.answered(answer, run.streamFrames);
                    next.run();
                });
                resp.exceptionHandler(done::tryFail);
                resp.endHandler(v -> run.ended(resp.status(), resp.statusMessage(), "ExplainStream", done));
            });
            for (int i = 0; i < STREAM_IN_FLIGHT; i++) {
                next.run();
            }
        });
        return done.future();
    }

    /** Unary Explain calls, one after another, until the end. */
    private Future<Void> unary(Run run, List<ExplainRequest.Builder> pairs, int k) {
        if (run.over()) {
            return Future.succeededFuture();
        }
        return run.frame(pairs, k)
                .compose(frame -> run.client.request(address, ExplainServiceGrpcClient.Explain).compose(req -> {
                    run.prepare(req);
                    return req.send(frame);
                }))
                .compose(resp -> resp.last().transform(ar -> {
                    if (ar.succeeded()) {
                        run.answered(ar.result(), run.unaryFrames);
                        return Future.<Void>succeededFuture();
                    }
                    Promise<Void> p = Promise.promise();
                    if (resp.status() == null) { // the connection went before a status
                        p.fail(ar.cause());
                    } else {
                        run.ended(resp.status(), resp.statusMessage(), "Explain", p);
                    }
                    return p.future();
                }))
                .compose(v -> unary(run, pairs, k + 1));
    }

    /** The state of one run; touched on its context only (counters are atomic for the result's reader). */
    private final class Run {
        final Context context;
        final long end;
        final GrpcClient client;
        final Set<GrpcClientRequest<?, ?>> calls = ConcurrentHashMap.newKeySet();
        final AtomicInteger streamFrames = new AtomicInteger();
        final AtomicInteger unaryFrames = new AtomicInteger();
        final AtomicInteger streams = new AtomicInteger();
        volatile String failure;

        Run(Context context, long end) {
            this.context = context;
            this.end = end;
            this.client = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(maxResponseBytes), http);
        }

        boolean over() {
            return failure != null || System.nanoTime() - end >= 0;
        }

        void prepare(GrpcClientRequest<?, ?> req) {
            calls.add(req);
            headers.forEach((k, v) -> req.headers().set(k, v));
            // the server cuts what is still running shortly after the budget
            req.timeout(Math.max(1, (end - System.nanoTime()) / 1_000_000) + GRACE_MS / 2, TimeUnit.MILLISECONDS);
        }

        /** Frame k of a model's pairs, made on a worker thread (noise and JPEG/PNG encoding are CPU work). */
        Future<ExplainRequest> frame(List<ExplainRequest.Builder> pairs, int k) {
            return context.executeBlocking(() -> frames.frame(pairs.get(k % pairs.size()), k / pairs.size()), false);
        }

        void answered(ExplainResponse answer, AtomicInteger counter) {
            if (answer.getStatus() == FrameStatus.OK) {
                counter.incrementAndGet();
            } else if (answer.getStatus() == FrameStatus.ERROR) {
                fail(new IllegalStateException("frame " + answer.getFrameId() + " answered ERROR "
                        + answer.getErrorCode() + ": " + answer.getErrorMessage()));
            }
        }

        /** A call's status: OK, or cut by its deadline after the budget, is fine; anything else fails the phase. */
        void ended(GrpcStatus status, String message, String rpc, Promise<Void> done) {
            if (status == GrpcStatus.OK || status == GrpcStatus.DEADLINE_EXCEEDED && System.nanoTime() - end >= 0) {
                done.tryComplete();
            } else {
                done.tryFail(rpc + " ended " + status + (message == null ? "" : ": " + message));
            }
        }

        void fail(Throwable e) {
            if (failure == null) {
                failure = e.getMessage() == null ? e.toString() : e.getMessage();
            }
        }

        Result result() {
            return new Result(streamFrames.get(), unaryFrames.get(), streams.get(), failure);
        }
    }
}
