package io.jshm.reliability;

import io.jshm.SharedMemory;
import io.jshm.queue.QueueType;
import io.jshm.queue.SharedQueue;
import io.jshm.queue.WaitStrategy;
import io.jshm.sync.SharedMutex;
import io.jshm.sync.SharedSemaphore;
import io.jshm.testing.ChildGroup;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import io.jshm.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load: 16 processes at once on one region holding a mutex and a semaphore, and on one MPSC
 * queue, for 8 s in {@code verify} and 60 s with {@code -Psoak} ({@code -Djshm.loadSeconds=N}
 * overrides). Each process mixes mutex-guarded increments, semaphore-guarded sections and sends
 * ({@link LoadChild}); this JVM consumes. Afterwards the totals are exact: the guarded counter
 * equals the increments made, the mutex never had two holders nor the semaphore more than its
 * permits, every permit is back, and every message of every producer arrived once, in order.
 * Nothing hangs: each wait has a timeout that fails the test.
 */
@SuppressWarnings("try")
class LoadTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(LoadTest.class);

    static final class Children extends ChildGroup {
        Children() {
            super(LoadChild.class);
        }
    }

    private static final int PROCESSES = 16;
    private static final Pattern DONE = Pattern.compile("DONE mutex=(\\d+) semaphore=(\\d+) sent=(\\d+) violations=(\\d+)");

    @Test
    @Timeout(180)
    @DisabledIfSystemProperty(named = "jshm.soak", matches = "true")
    void sixteenProcessesInVerify() throws Exception {
        load(Soak.count("loadSeconds", 8, 60));
    }

    @Test
    @Timeout(600)
    @EnabledIfSystemProperty(named = "jshm.soak", matches = "true")
    void sixteenProcessesInSoak() throws Exception {
        load(Soak.count("loadSeconds", 8, 60));
    }

    private static void load(int seconds) throws Exception {
        long seed = Soak.seed("LoadTest");
        Random random = new Random(seed);
        String regionName = names.next();
        String queueName = names.next();
        long[] next = new long[PROCESSES]; // the next seq expected from each producer
        AtomicReference<String> disorder = new AtomicReference<>();
        try (SharedMemory shm = SharedMemory.create(regionName, LoadChild.REGION_SIZE);
             SharedQueue queue = SharedQueue.create(queueName, 256 * 1024, QueueType.MPSC);
             Children children = new Children()) {
            SharedMutex mutex = SharedMutex.initialize(shm.segment(), LoadChild.MUTEX);
            SharedSemaphore semaphore = SharedSemaphore.initialize(shm.segment(), LoadChild.SEMAPHORE, LoadChild.PERMITS);
            for (int i = 0; i < PROCESSES; i++) {
                children.launchWith(List.of("-Xmx32m", "-XX:+UseSerialGC"), regionName, queueName, Integer.toString(i),
                        Long.toString(seconds * 1000L), Long.toString(random.nextLong()));
            }
            children.awaitAll("READY", Duration.ofSeconds(90));
            children.sendAll("go");
            long start = System.nanoTime();
            long limit = start + Duration.ofSeconds(seconds + 60).toNanos();
            long received = 0;
            while (children.list().stream().anyMatch(c -> c.process().isAlive()) || queue.counters().depth() > 0) {
                received += queue.receive((type, buffer, offset, length) -> {
                    int id = (int) buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
                    long seq = buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8);
                    if (seq != next[id] && disorder.get() == null) {
                        disorder.set("producer " + id + " sent " + seq + " where " + next[id] + " was expected");
                    }
                    next[id] = seq + 1;
                }, 256, WaitStrategy.PARK, Duration.ofMillis(50));
                children.checkNoneFailed();
                assertThat(System.nanoTime() - limit).as("the load run ended in time (no hang)").isNegative();
            }
            assertThat(disorder.get()).as("every message once, in order").isNull();
            long mutexOps = 0;
            long semaphoreOps = 0;
            long sent = 0;
            for (ChildJvm child : children.list()) {
                Matcher m = DONE.matcher(Waits.lineStartingWith(child, "DONE", Duration.ofSeconds(10)));
                assertThat(m.matches()).isTrue();
                mutexOps += Long.parseLong(m.group(1));
                semaphoreOps += Long.parseLong(m.group(2));
                sent += Long.parseLong(m.group(3));
                assertThat(Long.parseLong(m.group(4))).as("mutual exclusion violations in %d", child.pid()).isZero();
            }
            children.awaitExit(Duration.ofSeconds(30));
            assertThat(received).as("messages received vs sent").isEqualTo(sent);
            assertThat(shm.segment().get(ValueLayout.JAVA_LONG, LoadChild.COUNTER)).as("mutex-guarded counter")
                    .isEqualTo(mutexOps);
            assertThat(semaphore.availablePermits()).as("permits back").isEqualTo(LoadChild.PERMITS);
            assertThat(mutex.ownerPid()).as("mutex free").isEmpty();
            Soak.summary("LoadTest", "processes=" + PROCESSES + " seconds=" + seconds + " mutexOps=" + mutexOps
                    + " semaphoreOps=" + semaphoreOps + " messages=" + received + " hangs=0 losses=" + (sent - received)
                    + " seed=" + seed);
        }
    }
}
