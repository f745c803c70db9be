package io.scorecam.server.stream;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The warm-up's budget goes to the pairs that can use it: one slow pair cannot hold a lane for all of it. */
class WarmUpRotaTest {

    private static List<Integer> pairsOf(WarmUpRota rota, int frames, int pairs) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            out.add(rota.next() % pairs);
        }
        return out;
    }

    @Test
    void everyPairFirstThenOnlyTheFastOnes() {
        WarmUpRota rota = new WarmUpRota(4);
        List<Integer> first = pairsOf(rota, 4, 4);
        assertEquals(List.of(0, 1, 2, 3), first, "the first round visits every pair");
        rota.took(2, 900, 100); // e.g. SS_CAM on an ImageNet model
        rota.took(3, 950, 100);
        rota.took(0, 10, 100);
        rota.took(1, 30, 100);
        assertEquals(List.of(0, 1, 0, 1, 0, 1), pairsOf(rota, 6, 4), "slow pairs are not repeated");
        assertEquals(2, rota.slowPairs());
    }

    @Test
    void onlyPairsThatAnsweredInTimeAreFast() {
        WarmUpRota rota = new WarmUpRota(3);
        pairsOf(rota, 3, 3);
        rota.took(0, 10, 100);
        rota.took(1, 900, 100);
        // pair 2's frame never came back before the budget ended
        assertEquals(List.of(true, false, false), List.of(rota.isFast(0), rota.isFast(1), rota.isFast(2)));
    }

    @Test
    void whenEveryPairIsSlowTheyStillTakeTurns() {
        WarmUpRota rota = new WarmUpRota(2);
        pairsOf(rota, 2, 2);
        rota.took(0, 500, 100);
        rota.took(1, 500, 100);
        assertEquals(java.util.Set.of(0, 1), new java.util.HashSet<>(pairsOf(rota, 4, 2)), "no frame is refused");
    }

    @Test
    void theCapSharesTheBudgetOverThePairs() {
        assertEquals(600, WarmUp.frameCapMs(3000, 5), "mobilenetv2: 5 methods in 3 s");
        assertEquals(3000, WarmUp.frameCapMs(3000, 1));
        assertEquals(1, WarmUp.frameCapMs(3, 10));
        assertThrows(IllegalArgumentException.class, () -> new WarmUpRota(0));
    }
}
