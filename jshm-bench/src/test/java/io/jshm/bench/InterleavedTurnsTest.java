package io.jshm.bench;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interleaved parts' order of turns ({@link Child#turn}): every round runs each transport
 * once, and over {@code 2n} rounds each has each place equally often and, for two or three
 * transports, follows each other one equally often (to one), so that what a transport gains or loses by the one before it is the same for all.
 */
class InterleavedTurnsTest {

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void everyRoundRunsEachTransportOnce(int n) {
        for (int round = 0; round < 10 * n; round++) {
            Set<Integer> seen = new HashSet<>();
            for (int place = 0; place < n; place++) {
                seen.add(Child.turn((long) round * n + place, n));
            }
            assertThat(seen).as("round %d", round).hasSize(n).allMatch(k -> k >= 0 && k < n);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void placesAndPredecessorsAreEvenOverTwiceAsManyRoundsAsTransports(int n) {
        Map<List<Integer>, Integer> places = new HashMap<>();
        Map<List<Integer>, Integer> after = new HashMap<>();
        for (long slot = 0; slot < 2L * n * n; slot++) {
            places.merge(List.of(Child.turn(slot, n), (int) (slot % n)), 1, Integer::sum);
            if (slot > 0 && Child.turn(slot - 1, n) != Child.turn(slot, n)) {
                after.merge(List.of(Child.turn(slot - 1, n), Child.turn(slot, n)), 1, Integer::sum);
            }
        }
        assertThat(places).as("transport, place").hasSize(n * n).allSatisfy((k, count) -> assertThat(count).isEqualTo(2));
        assertThat(after).as("ordered pairs that follow each other").hasSize(n * (n - 1));
        int least = after.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
        int most = after.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertThat(most - least).as("how unevenly the pairs follow each other: %s", after).isLessThanOrEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Interleaving.class)
    void eachPartPutsItsJshmTransportBesideItsAgronaRing(Interleaving which) {
        assertThat(which.transports()).containsExactly(which.jshm(), which.jshm() == Transport.JSHM_MPSC
                ? Transport.AGRONA_MANY_TO_ONE : Transport.AGRONA_ONE_TO_ONE);
        assertThat(Harness.parts()).contains(which.part());
        assertThat(Interleaving.ofPart(which.part())).isEqualTo(which);
    }
}
