package io.jshm.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JMH queue benchmarks outside JMH: each one, called as JMH would call it, polls every
 * message it offers (the handlers count them in {@code sink}), and the state leaves nothing in
 * {@code /dev/shm}.
 */
class QueueBenchmarkTest {
    /** Calls of each benchmark: the rings wrap many times (at 4 KiB a batch is half the ring). */
    private static final int CALLS = 1000;
    private static final int BATCH_CALLS = 40;

    @Test
    void ringsHoldABatch() {
        assertThat(QueueBenchmark.ring(64)).isEqualTo(1 << 16);
        assertThat(QueueBenchmark.ring(4096)).isEqualTo(2 << 20);
        assertThat(QueueBenchmark.ring(4096) / 4).as("largest message").isGreaterThanOrEqualTo(4096);
    }

    @Test
    void everyBenchmarkPollsWhatItOffers() throws IOException {
        check(QueueBenchmark::jshmOfferPoll, CALLS, 1);
        check(QueueBenchmark::jshmClaimCommitPoll, CALLS, 1);
        check(QueueBenchmark::agronaWriteRead, CALLS, 1);
        check(QueueBenchmark::jshmOfferBatchPoll, BATCH_CALLS, QueueBenchmark.BATCH);
        check(QueueBenchmark::agronaWriteBatchRead, BATCH_CALLS, QueueBenchmark.BATCH);
        check(QueueBenchmark::mpscJshmOfferPoll, CALLS, 1);
        check(QueueBenchmark::mpscAgronaWriteRead, CALLS, 1);
        check(QueueBenchmark::mpscJshmOfferBatchPoll, BATCH_CALLS, QueueBenchmark.BATCH);
        check(QueueBenchmark::mpscAgronaWriteBatchRead, BATCH_CALLS, QueueBenchmark.BATCH);
    }

    private static void check(ToLongFunction<QueueBenchmark> benchmark, int calls, int perCall) throws IOException {
        for (int size : new int[] {64, 4096}) {
            QueueBenchmark state = new QueueBenchmark();
            state.size = size;
            long sink;
            try {
                state.setUp();
                sink = 0;
                for (int i = 0; i < calls; i++) {
                    sink = benchmark.applyAsLong(state);
                }
            } finally {
                state.tearDown();
            }
            assertThat(sink).as("messages polled, %d B", size).isEqualTo((long) calls * perCall);
        }
        String prefix = "bench-qjmh-";
        try (Stream<Path> shm = Files.list(Path.of("/dev/shm"))) {
            List<String> left = shm.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(prefix) && n.contains(Long.toString(ProcessHandle.current().pid())))
                    .toList();
            assertThat(left).as("left in /dev/shm").isEmpty();
        }
    }
}
