package io.jshm.sync;

import io.jshm.testing.Waits;
import io.jshm.SharedMemory;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A locker that has just taken the mutex over from a dead owner, and has not yet recorded its
 * own process start time, must not look dead to others. The moment is too short to hit by chance,
 * so the test freezes the recovering child there with a breakpoint of the JDK's debugger
 * ({@code jdb}, at the entry of {@code SharedMutex.recovered()}, reached once its compare-and-set
 * has won), then asks from this JVM whether the owner is dead, and tries to take the lock.
 */
class MutexTakeOverTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(MutexTakeOverTest.class);

    private static final Pattern LISTENING = Pattern.compile("Listening for transport dt_socket at address: (\\d+)");

    /**
     * How long one step after the breakpoint may take. Generous: the test failed twice, only in
     * soak runs on a loaded machine, waiting 10 s for the child's line after {@code cont}, and
     * passed every time alone; the breakpoint's moment is what the test is about, not its speed.
     */
    private static final Duration STEP = Duration.ofSeconds(30);

    @Test
    @Timeout(240)
    void aLockerFrozenRightAfterTakingOverFromADeadOwnerIsNotThoughtDead() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096);
             Children children = new Children()) {
            SharedMutex mutex = SharedMutex.initialize(shm.segment(), 0);
            ChildJvm holder = children.launch("mutex-hold", name, "0");
            holder.await("LOCKED ACQUIRED", Waits.STARTUP);
            ChildJvm recoverer = children.launchWith(
                    List.of("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0"),
                    "mutex-lock", name, "0", "30000");
            Matcher listening = LISTENING.matcher(recoverer.nextLine(Waits.STARTUP));
            assertThat(listening.find()).as("the debug agent says where it listens").isTrue();
            recoverer.await("READY", Waits.STARTUP);
            MutexOwnerDiedTest.awaitSleepers(shm.segment(), 1);

            try (Jdb jdb = Jdb.attach(Integer.parseInt(listening.group(1)))) {
                jdb.send("stop in " + SharedMutex.class.getName() + ".recovered");
                jdb.await("Set breakpoint", STEP);

                holder.kill9();
                jdb.await("Breakpoint hit", STEP);

                // The recoverer owns the lock now, but has not recorded its start time yet.
                assertThat(mutex.ownerPid()).hasValue(recoverer.pid());
                assertThat(mutex.isOwnerDead()).as("a live recoverer looks dead").isFalse();
                assertThat(mutex.tryLock()).as("the lock was taken from a live recoverer")
                        .isEqualTo(LockResult.NOT_ACQUIRED);
                assertThat(mutex.recoveries()).isZero();

                jdb.send("clear " + SharedMutex.class.getName() + ".recovered");
                jdb.await("Removed", STEP);
                jdb.send("cont");
                assertThat(recoverer.nextLine(STEP)).isEqualTo("RESULT OWNER_DIED 1");
                recoverer.await("UNLOCKED", STEP);
            }
            assertThat(recoverer.waitFor(STEP)).isZero();
            assertThat(mutex.recoveries()).isEqualTo(1);
            assertThat(mutex.ownerPid()).isEmpty();
        }
    }

    /** The JDK's command-line debugger attached to a child; killed on close. */
    private static final class Jdb implements AutoCloseable {
        private final Process process;
        private final Writer in;
        private final StringBuilder out = new StringBuilder();

        private Jdb(Process process) {
            this.process = process;
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread pump = new Thread(this::pump, "jdb-output");
            pump.setDaemon(true);
            pump.start();
        }

        static Jdb attach(int port) throws IOException {
            Path jdb = Path.of(System.getProperty("java.home"), "bin", "jdb");
            assumeTrue(Files.isExecutable(jdb), "needs the JDK's jdb at " + jdb);
            return new Jdb(new ProcessBuilder(jdb.toString(), "-attach", "127.0.0.1:" + port)
                    .redirectErrorStream(true).start());
        }

        private void pump() {
            try (Reader r = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
                char[] buffer = new char[1024];
                int n;
                while ((n = r.read(buffer)) >= 0) {
                    synchronized (out) {
                        out.append(buffer, 0, n);
                        out.notifyAll();
                    }
                }
            } catch (IOException e) {
                // jdb gone
            }
        }

        void send(String command) {
            try {
                in.write(command + "\n");
                in.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("jdb is gone; it said:\n" + output(), e);
            }
        }

        /** Waits until jdb has said {@code text}, and forgets what it said up to there. */
        void await(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (out) {
                int at;
                while ((at = out.indexOf(text)) < 0) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        throw new AssertionError("jdb did not say '" + text + "' within " + timeout + "; it said:\n" + out);
                    }
                    out.wait(left);
                }
                out.delete(0, at + text.length());
            }
        }

        private String output() {
            synchronized (out) {
                return out.toString();
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
