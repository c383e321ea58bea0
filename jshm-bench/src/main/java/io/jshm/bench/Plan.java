package io.jshm.bench;

import java.util.List;

/**
 * How long and how much a run measures. Durations are per child and phase: each round-trip phase
 * warms up (unrecorded) for at least {@code warmMillis} and {@code warmCount} round trips (so the
 * JIT has compiled the loop however busy the machine is), then records for at least
 * {@code latencyMillis} and {@code minSamples} round trips (past three times that long, a tenth
 * of them will do); each
 * (a tenth of both counts for sockets, whose round trips take tens of microseconds); each
 * one-way stream warms up (untimed) for {@code warmMillis} too, since a new size can make the JIT
 * compile a transport's code again, then runs {@code streamMillis} timed; each bulk-copy size for
 * {@code copyMillis} per source. Rounds interleave the parts; the first of several rounds is a
 * warm-up, discarded.
 *
 * @param verify check every byte of every message (tests), not only its sequence words
 * @param prefix the start of every region, file and socket name the run makes
 */
record Plan(int rounds, long warmMillis, long warmCount, long latencyMillis, long minSamples, long streamMillis,
            List<Integer> sizes,
            List<Long> lifecycleSizes, List<Integer> lifecycleIterations, long copyMillis, List<Long> copySizes,
            boolean verify, String prefix, int mpscLanes) {

    static final List<Integer> SIZES = List.of(64, 4096, 1 << 20);
    static final List<Long> LIFECYCLE_SIZES = List.of(4096L, 64L << 20);
    static final List<Long> COPY_SIZES = List.of(4096L, 1L << 20, 256L << 20);

    /** The full run: about 3.5 minutes on two quiet cores, longer on busy ones. */
    static Plan full(String prefix) {
        return new Plan(4, 500, 100_000, 1000, 150_000, 500, SIZES, LIFECYCLE_SIZES, List.of(1500, 20), 600, COPY_SIZES, false,
                prefix, 0);
    }

    /** The quick run: under a minute on two cores; short phases, so wider error, and no 256 MiB copy. */
    static Plan quick(String prefix) {
        return new Plan(2, 300, 50_000, 150, 5_000, 80, SIZES, LIFECYCLE_SIZES, List.of(150, 3), 80,
                COPY_SIZES.subList(0, 2), false, prefix, 0);
    }

    /** {@return whether the first round is a warm-up, not recorded} */
    boolean discardsFirstRound() {
        return rounds > 1;
    }

    /** {@return this plan with other phase lengths (milliseconds) and round-trip counts} */
    Plan withPhases(long warm, long warmPings, long latency, long samples, long stream, long copy) {
        return new Plan(rounds, warm, warmPings, latency, samples, stream, sizes, lifecycleSizes, lifecycleIterations,
                copy, copySizes, verify, prefix, mpscLanes);
    }

    Plan withRounds(int r) {
        return new Plan(r, warmMillis, warmCount, latencyMillis, minSamples, streamMillis, sizes, lifecycleSizes, lifecycleIterations,
                copyMillis, copySizes, verify, prefix, mpscLanes);
    }

    /** {@return this plan with jshm MPSC queues of {@code lanes} lanes (decision 63); 0, the default, for none} */
    Plan withMpscLanes(int lanes) {
        return new Plan(rounds, warmMillis, warmCount, latencyMillis, minSamples, streamMillis, sizes, lifecycleSizes,
                lifecycleIterations, copyMillis, copySizes, verify, prefix, lanes);
    }

    Plan withVerify(boolean v) {
        return new Plan(rounds, warmMillis, warmCount, latencyMillis, minSamples, streamMillis, sizes, lifecycleSizes,
                lifecycleIterations, copyMillis, copySizes, v, prefix, mpscLanes);
    }

    /** {@return this plan with smaller sizes (tests)} */
    Plan withSizes(List<Integer> streamSizes, List<Long> lifecycle, List<Integer> iterations, List<Long> copy) {
        return new Plan(rounds, warmMillis, warmCount, latencyMillis, minSamples, streamMillis, streamSizes, lifecycle, iterations,
                copyMillis, copy, verify, prefix, mpscLanes);
    }
}
