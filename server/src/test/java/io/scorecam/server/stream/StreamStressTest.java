package io.scorecam.server.stream;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.PixelFormat;
import io.scorecam.api.v1.RawImage;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Many short streams whose first frame fails to decode, each on a fresh connection: every frame is answered. */
class StreamStressTest {
    private static final int RUNS = Integer.getInteger("scorecam.stress.runs", 50);

    @Test
    void badFirstFrameThenFastFramesOnFreshConnections() throws Exception {
        try (TestServer t = new TestServer()) {
            for (int run = 0; run < RUNS; run++) {
                ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", t.server.port()).usePlaintext()
                        .build();
                try {
                    Collector c = new Collector();
                    StreamObserver<ExplainRequest> out = ExplainServiceGrpc.newStub(channel).explainStream(c);
                    out.onNext(ExplainRequest.newBuilder().setFrameId(1).setRaw(RawImage.newBuilder().setWidth(2)
                            .setHeight(2).setFormat(PixelFormat.RGB8)).build()); // no pixels: INVALID_ARGUMENT
                    for (long id = 2; id <= 4; id++) {
                        out.onNext(Frames.frame(id).build());
                    }
                    out.onCompleted();
                    Status status = c.await();
                    assertEquals(Status.Code.OK, status.getCode(), "run " + run);
                    assertEquals(4, c.responses.size(), "run " + run);
                } finally {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        }
    }
}
