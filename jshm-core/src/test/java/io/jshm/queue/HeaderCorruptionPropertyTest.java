package io.jshm.queue;

import io.jshm.CorruptRegionException;
import io.jshm.SharedMemory;
import io.jshm.testing.RegionNames;
import io.jshm.testing.SeedAndDeadline;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any one header field of a live queue overwritten with any value: {@code open} either succeeds
 * (the field does not matter to it) or throws {@link CorruptRegionException}, never anything else;
 * and a consumer that was already reading the queue either goes on or stops with
 * {@link CorruptRegionException} (or {@link IllegalStateException}, if the consumer role now
 * names another live holder), within a bounded time, never reading outside the ring.
 * jqwik prints the seed of each run ({@link SeedAndDeadline}); rerun one with
 * {@code @Property(seed = "...")}.
 *
 * <p>A magic overwritten with 0 is left out: {@code open} then waits 2 s for a creator to
 * finish, as {@link HostileQueueTest} checks once. jqwik does not run JUnit Jupiter extensions,
 * so the leftover check runs after the container.
 */
@AddLifecycleHook(SeedAndDeadline.class)
@SuppressWarnings("try") // children and regions held open by try blocks; some handles closed early on purpose
class HeaderCorruptionPropertyTest {

    static final RegionNames names = new RegionNames(HeaderCorruptionPropertyTest.class);

    static final long CAPACITY = 4096;

    /** A header field: where it is and how wide. */
    record Field(String name, long offset, int width) {
        @Override
        public String toString() {
            return name + "@" + offset;
        }
    }

    static final List<Field> FIELDS = fields();

    private static List<Field> fields() {
        List<Field> f = new ArrayList<>(List.of(
                new Field("magic", QueueLayout.MAGIC_OFFSET, 4),
                new Field("version", QueueLayout.VERSION_OFFSET, 2),
                new Field("type", QueueLayout.TYPE_OFFSET, 2),
                new Field("capacity", QueueLayout.CAPACITY_OFFSET, 8),
                new Field("max payload", QueueLayout.MAX_PAYLOAD_OFFSET, 4),
                new Field("reserved", 20, 4),
                new Field("region size", QueueLayout.REGION_SIZE_OFFSET, 8),
                new Field("tail", QueueLayout.TAIL, 8),
                new Field("records in", QueueLayout.RECORDS_IN, 8),
                new Field("producer pid", QueueLayout.PRODUCER_PID, 8),
                new Field("producer start", QueueLayout.PRODUCER_START, 8),
                new Field("tail intent", QueueLayout.TAIL_INTENT, 8),
                new Field("latest position", QueueLayout.LATEST_POSITION, 8),
                new Field("latest sequence", QueueLayout.LATEST_SEQUENCE, 8),
                new Field("producers park", QueueLayout.PRODUCERS_PARK, 4),
                new Field("producers waiting", QueueLayout.PRODUCERS_WAITING, 4),
                new Field("space sequence", QueueLayout.SPACE_SEQUENCE, 4),
                new Field("head", QueueLayout.HEAD, 8),
                new Field("records out", QueueLayout.RECORDS_OUT, 8),
                new Field("skipped", QueueLayout.SKIPPED, 8),
                new Field("consumer pid", QueueLayout.CONSUMER_PID, 8),
                new Field("consumer start", QueueLayout.CONSUMER_START, 8),
                new Field("consumers park", QueueLayout.CONSUMERS_PARK, 4),
                new Field("consumers waiting", QueueLayout.CONSUMERS_WAITING, 4),
                new Field("data sequence", QueueLayout.DATA_SEQUENCE, 4),
                new Field("producers arrivals", QueueLayout.PRODUCERS_ARRIVALS, 4),
                new Field("consumers arrivals", QueueLayout.CONSUMERS_ARRIVALS, 4),
                new Field("lapped", QueueLayout.LAPPED, 8),
                new Field("lost", QueueLayout.LOST, 8)));
        for (long at = 32; at < 128; at += 8) {
            f.add(new Field("reserved", at, 8));
        }
        for (long at = 512; at < QueueLayout.HEADER_SIZE; at += 64) {
            f.add(new Field("reserved", at, 8));
        }
        return List.copyOf(f);
    }

    @Provide
    Arbitrary<Field> fieldsToDamage() {
        return Arbitraries.of(FIELDS);
    }

    @Provide
    Arbitrary<Long> values() {
        return Arbitraries.oneOf(
                Arbitraries.longs(),
                Arbitraries.longs().between(-64, 64),
                Arbitraries.longs().between(0, 3 * CAPACITY).map(v -> v & ~7L),
                Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 7, (long) Integer.MAX_VALUE,
                        (long) Integer.MIN_VALUE, 0xFFFF_FFFFL, 1L << 32, 1024L, 2048L, 8192L, 1L << 30,
                        CAPACITY / 4, CAPACITY + QueueLayout.HEADER_SIZE, (long) QueueLayout.MAGIC,
                        ProcessHandle.current().pid() << 32, 1L << 32 | 1));
    }

    @Property(tries = 300)
    void aDamagedHeaderFieldIsIrrelevantOrACorruptRegionNeverAnythingElse(
            @ForAll QueueType type, @ForAll("fieldsToDamage") Field field, @ForAll("values") long value)
            throws Exception {
        Assume.that(!(field.offset() == QueueLayout.MAGIC_OFFSET && (int) value == 0)); // would wait 2 s
        String name = names.next();
        try (SharedQueue creator = SharedQueue.create(name, CAPACITY, type);
             SharedQueue reader = SharedQueue.open(name);
             SharedMemory raw = SharedMemory.open(name)) {
            reader.setStuckTimeout(Duration.ZERO);
            assertThat(reader.poll((t, b, o, l) -> { }, 1)).isZero(); // takes the consumer role, or joins
            for (int i = 0; i < 3; i++) {
                assertThat(creator.offer(i, MemorySegment.ofArray(new byte[40 + i]))).isTrue();
            }
            HostileQueueTest.write(raw.segment(), field.offset(), field.width(), value);

            String outcome;
            try (SharedQueue opened = SharedQueue.open(name)) {
                outcome = "opened as " + opened.type();
            } catch (CorruptRegionException e) {
                assertThat(e.getMessage()).contains("queue '" + name + "' is corrupt or foreign: ");
                outcome = "corrupt: " + e.getMessage();
            } catch (RuntimeException e) {
                throw new AssertionError("open of a queue with " + field + " = " + value + " threw neither nothing nor "
                        + "CorruptRegionException", e);
            }
            assertThat(outcome).isNotNull();

            CompletableFuture<String> reading = CompletableFuture.supplyAsync(() -> {
                int got = 0;
                for (int i = 0; i < 3; i++) {
                    got += reader.poll((t, b, o, l) -> { }, 10);
                }
                return "read " + got;
            });
            try {
                reading.get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (!(cause instanceof CorruptRegionException) && !(cause instanceof IllegalStateException)) {
                    throw new AssertionError("a consumer reading a queue with " + field + " = " + value
                            + " threw neither nothing nor CorruptRegionException nor IllegalStateException", cause);
                }
            } catch (TimeoutException e) {
                reader.close(); // its next access throws, ending the thread
                reading.handle((r, t) -> r).get(5, TimeUnit.SECONDS);
                throw new AssertionError("a consumer reading a queue with " + field + " = " + value
                        + " did not return in 5 s");
            }
        }
    }

    @AfterContainer
    static void nothingLeftBehind() throws Exception {
        names.checkNothingLeft(HeaderCorruptionPropertyTest.class.getSimpleName());
    }
}
