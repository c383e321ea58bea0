package io.jshm;

import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionChild;
import io.jshm.testing.RegionNames;
import io.jshm.testing.ShmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.jshm.testing.RegionChild.ANSWER;
import static io.jshm.testing.RegionChild.FLAG;
import static io.jshm.testing.RegionChild.INT;
import static io.jshm.testing.RegionChild.MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;

/** Two and more real JVMs share regions by name. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // regions and children are held open by try blocks that do not name them
class CrossProcessTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(CrossProcessTest.class);

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aMessageAndItsAnswerCrossBetweenTwoJvms() throws Exception {
        long seed = System.nanoTime();
        System.out.println("CrossProcessTest.aMessageAndItsAnswerCrossBetweenTwoJvms seed=" + seed);
        Random random = new Random(seed);
        String message = "hello from " + ProcessHandle.current().pid() + " #" + Long.toString(random.nextLong(), 36)
                + " \u00e9\u540d"; // UTF-8 beyond ASCII
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            MemorySegment seg = shm.segment();
            try (ChildJvm child = ChildJvm.start(RegionChild.class, "echo", name)) {
                RegionChild.writeString(seg, MESSAGE, message);
                INT.setRelease(seg, FLAG, 1); // pairs with the child's getAcquire(FLAG) == 1
                ShmFiles.awaitTrue("the child's answer (flag word 2)", WAIT,
                        () -> (int) INT.getAcquire(seg, FLAG) == 2 || !child.process().isAlive());
                assertThat((int) INT.getAcquire(seg, FLAG)).as("child output: %s", child.diagnostics()).isEqualTo(2);
                assertThat(RegionChild.readString(seg, ANSWER)).isEqualTo(RegionChild.ANSWER_PREFIX + message);
                child.await("DONE", WAIT);
                child.await("HELD created=false", WAIT);
                assertThat(SharedMemory.info(name).holders()).contains(ProcessHandle.current().pid(), child.pid());

                child.send("close");
                child.await("CLOSED", WAIT);
                assertThat(child.waitFor(WAIT)).isZero();
            }
            assertThat(SharedMemory.exists(name)).as("the parent still holds it").isTrue();
            assertThat(SharedMemory.info(name).holders()).containsExactly(ProcessHandle.current().pid());
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    @Test
    void concurrentOpenOrCreateInSeveralJvmsCreatesExactlyOnce() throws Exception {
        String name = names.next();
        int children = 4;
        List<ChildJvm> started = new ArrayList<>();
        try {
            for (int i = 0; i < children; i++) {
                started.add(ChildJvm.start(RegionChild.class, "openOrCreate", name, "8192"));
            }
            for (ChildJvm child : started) {
                child.await("READY", WAIT);
            }
            for (ChildJvm child : started) {
                child.send("go");
            }
            int created = 0;
            for (ChildJvm child : started) {
                String line = child.nextLine(WAIT);
                assertThat(line).as("child %d: %s", child.pid(), child.diagnostics()).startsWith("HELD created=");
                if (line.equals("HELD created=true")) {
                    created++;
                }
            }
            assertThat(created).as("children that report created()").isEqualTo(1);
            RegionInfo info = SharedMemory.info(name);
            assertThat(info.holders()).containsExactlyInAnyOrderElementsOf(started.stream().map(ChildJvm::pid).toList());
            assertThat(info.size()).isEqualTo(8192);
            for (ChildJvm child : started) {
                child.send("close");
                child.await("CLOSED", WAIT);
                assertThat(child.waitFor(WAIT)).isZero();
            }
        } finally {
            for (ChildJvm child : started) {
                child.close();
            }
        }
        assertThat(ShmFiles.present(name)).as("removed by the last of the children").isFalse();
    }

    /** The same race between threads, many rounds: each handle is a user of its own. */
    @Test
    void concurrentOpenOrCreateInOneJvmCreatesExactlyOncePerRound() throws Exception {
        int threads = 6;
        int rounds = 60;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                String name = names.next();
                CyclicBarrier start = new CyclicBarrier(threads);
                CyclicBarrier allHeld = new CyclicBarrier(threads);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        try (SharedMemory shm = SharedMemory.openOrCreate(name, 4096)) {
                            shm.segment().get(ValueLayout.JAVA_INT, 0);
                            allHeld.await(10, TimeUnit.SECONDS); // nobody closes before everyone holds it
                            return shm.created();
                        }
                    }));
                }
                int created = 0;
                for (Future<Boolean> f : results) {
                    created += f.get(20, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(created).as("round %d", round).isEqualTo(1);
                assertThat(ShmFiles.present(name)).as("round %d: removed by its last close", round).isFalse();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
