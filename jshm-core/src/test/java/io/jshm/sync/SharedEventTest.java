package io.jshm.sync;

import io.jshm.testing.Waits;
import io.jshm.SharedMemory;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Child JVMs sleep on a {@link SharedEvent} in a shared region; this JVM sets it. A manual-reset
 * event wakes them all at once; an auto-reset event wakes exactly one per set.
 */
class SharedEventTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(SharedEventTest.class);

    private static final int WAITERS = 3;
    private static final long EVENT_AT = 64;
    /** How long to watch for a second waiter waking after one signal. */
    private static final Duration QUIET_WINDOW = Duration.ofMillis(250);
    private static final Duration WAKE_BOUND = Duration.ofSeconds(10);

    @Test
    @Timeout(60)
    void manualResetSetOnceWakesEveryWaitingProcess() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            MemorySegment region = shm.segment();
            SharedEvent event = SharedEvent.initialize(region, EVENT_AT, SharedEvent.Reset.MANUAL);
            try (Children children = startWaiters(name)) {
                awaitSleepers(region, WAITERS);

                event.set();

                children.awaitAll("WOKE", WAKE_BOUND);
                children.awaitExit(WAKE_BOUND);
                assertThat(event.isSet()).as("a manual-reset event stays set").isTrue();
                assertThat(event.await(Duration.ZERO)).isTrue();
                event.reset();
                assertThat(event.isSet()).isFalse();
            }
        }
    }

    @Test
    @Timeout(60)
    void autoResetSetWakesExactlyOneWaitingProcessEachTime() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            MemorySegment region = shm.segment();
            SharedEvent event = SharedEvent.initialize(region, EVENT_AT, SharedEvent.Reset.AUTO);
            try (Children children = startWaiters(name)) {
                List<ChildJvm> sleeping = new ArrayList<>(children.list());
                awaitSleepers(region, WAITERS);

                for (int round = 1; round <= WAITERS; round++) {
                    event.set();

                    ChildJvm woke = awaitWoke(sleeping, WAKE_BOUND);
                    assertThat(woke).as("round %d: a waiter wakes", round).isNotNull();
                    sleeping.remove(woke);
                    assertThat(woke.waitFor(WAKE_BOUND)).isZero();
                    assertThat(awaitWoke(sleeping, QUIET_WINDOW)).as("round %d: a second waiter woke", round).isNull();
                    assertThat(event.isSet()).as("round %d: the waiter took the signal", round).isFalse();
                    awaitSleepers(region, sleeping.size());
                }
                assertThat(sleeping).isEmpty();
                assertThat(event.await(Duration.ZERO)).isFalse();
            }
        }
    }

    private static Children startWaiters(String region) throws InterruptedException {
        Children children = Children.start(WAITERS, i -> new String[] {"event-wait", region, Long.toString(EVENT_AT)});
        try {
            children.awaitAll("READY", Waits.STARTUP);
            return children;
        } catch (InterruptedException | RuntimeException | Error e) {
            children.close();
            throw e;
        }
    }

    /** Waits until {@code count} waiters sleep on the event (or are about to). */
    private static void awaitSleepers(MemorySegment region, int count) throws InterruptedException {
        Waits.awaitCondition(count + " processes wait on the event", Duration.ofSeconds(20),
                () -> Atomics.getIntVolatile(region, EVENT_AT + SharedEvent.WAITERS) == count);
    }

    /** {@return the first child of {@code children} to print WOKE within the timeout, or null} */
    private static ChildJvm awaitWoke(List<ChildJvm> children, Duration timeout) throws InterruptedException {
        if (children.isEmpty()) {
            return null;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (ChildJvm child : children) {
                String line = Waits.poll(child, Duration.ofMillis(5));
                if (line != null) {
                    assertThat(line).as("child %d", child.pid()).isEqualTo("WOKE");
                    return child;
                }
            }
        } while (System.nanoTime() - deadline < 0);
        return null;
    }
}
