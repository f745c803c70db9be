package io.scorecam.server.engine;

import io.scorecam.server.engine.cache.ScoreTable;
import io.scorecam.server.engine.pass.ScoreRow;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows shared between requests: whoever waits on a row hears how it ended, whoever claimed it. */
class ScoreTableTest {
    private static final long GUARD_S = 10; // hang guard, not a timing

    private static ScoreRow row(float v) {
        return new ScoreRow(new float[] {v, 1 - v}, 0, 1);
    }

    @Test
    void rowsStartedByAnotherRequestAreSharedAndIndexedByChannel() throws Exception {
        ScoreTable table = new ScoreTable(4, 2);
        ScoreTable.Claim first = table.claim(new int[] {1, 3});
        ScoreTable.Claim second = table.claim(new int[] {3, 2});
        assertEquals(List.of(1, 3), first.missing());
        assertEquals(List.of(2), second.missing(), "channel 3 is under way: only 2 is left to run");
        ScoreRow r1 = row(0.1f);
        ScoreRow r2 = row(0.2f);
        ScoreRow r3 = row(0.3f);
        table.fill(1, r1);
        table.fill(3, r3);
        ScoreRow[] a = first.rows().get(GUARD_S, TimeUnit.SECONDS);
        assertSame(r1, a[1]);
        assertSame(r3, a[3]);
        assertNull(a[2]);
        table.fill(2, r2);
        ScoreRow[] b = second.rows().get(GUARD_S, TimeUnit.SECONDS);
        assertSame(r2, b[2]);
        assertSame(r3, b[3]);
    }

    @Test
    void aWaiterHearsThatTheOwnerGaveUpAndCanClaimTheRowAgain() {
        ScoreTable table = new ScoreTable(2, 2);
        ScoreTable.Claim owner = table.claim(new int[] {0, 1});
        ScoreTable.Claim waiter = table.claim(new int[] {1});
        assertEquals(List.of(), waiter.missing());
        // the owner's frame is cancelled after the waiter found its rows under way, before it waits on them
        table.release(owner.missing(), new ScoreCamException(ErrorCode.CANCELLED, "owner cancelled"));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> waiter.rows().get(GUARD_S, TimeUnit.SECONDS));
        assertEquals(ErrorCode.CANCELLED, assertInstanceOf(ScoreCamException.class, e.getCause()).code(),
                "the waiter must see a retryable failure, not a broken table");
        assertEquals(List.of(1), table.claim(new int[] {1}).missing(), "a released row can be claimed again");
    }

    @Test
    void waitersAreToldAfterTheTablesLockIsReleased() throws Exception {
        ScoreTable table = new ScoreTable(2, 2);
        ScoreTable.Claim owner = table.claim(new int[] {0});
        ScoreTable.Claim waiter = table.claim(new int[] {0});
        CountDownLatch claimedElsewhere = new CountDownLatch(1);
        boolean[] couldClaim = {false};
        CompletableFuture<Void> told = waiter.rows().handle((rows, error) -> {
            // a retry that another thread runs needs this table (and, in the engine, the batch queue)
            new Thread(() -> {
                table.claim(new int[] {0});
                claimedElsewhere.countDown();
            }).start();
            try {
                couldClaim[0] = claimedElsewhere.await(GUARD_S, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        table.release(owner.missing(), new ScoreCamException(ErrorCode.CANCELLED, "owner cancelled"));
        told.get(2 * GUARD_S, TimeUnit.SECONDS);
        assertTrue(couldClaim[0], "the waiter's callback ran while release() held the table's lock");
    }
}
