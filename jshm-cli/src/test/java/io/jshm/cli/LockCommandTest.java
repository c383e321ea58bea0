package io.jshm.cli;

import io.jshm.SharedMemory;
import io.jshm.sync.SharedMutex;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jshm lock}: serialises commands across processes, survives kill -9 of its holder, times out. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LockCommandTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(LockCommandTest.class);

    @TempDir
    Path dir;

    @Test
    void runsTheCommandAndReturnsItsExitCode() {
        String name = names.next();
        Cli.Result ok = Cli.run("lock", name, "--", "sh", "-c", "exit 0");
        Cli.Result seven = Cli.run("lock", name, "sh", "-c", "exit 7");
        assertThat(ok.exit()).isZero();
        assertThat(seven.exit()).as(seven.err()).isEqualTo(7);
        assertThat(SharedMemory.exists(name)).as("the mutex region goes with its last user").isFalse();
    }

    @Test
    void serialisesCommandsInSeveralProcesses() throws Exception {
        String name = names.next();
        Path log = dir.resolve("log");
        Files.createFile(log);
        String script = "echo start >> " + log + "; sleep 0.2; echo end >> " + log;
        List<ChildJvm> children = List.of(
                ChildJvm.start(Main.class, "lock", name, "--", "sh", "-c", script),
                ChildJvm.start(Main.class, "lock", name, "--", "sh", "-c", script),
                ChildJvm.start(Main.class, "lock", name, "--", "sh", "-c", script));
        try {
            for (ChildJvm child : children) {
                assertThat(child.waitFor(Duration.ofSeconds(40))).as(child.diagnostics()).isZero();
            }
        } finally {
            for (ChildJvm child : children) {
                child.close();
            }
        }
        assertThat(Files.readAllLines(log)).containsExactly("start", "end", "start", "end", "start", "end");
    }

    @Test
    void recoversTheLockWhenItsHolderIsKilled() throws Exception {
        String name = names.next();
        try (ChildJvm holder = ChildJvm.start(Main.class, "lock", name, "--", "sleep", "30");
             SharedMutex probe = openWhenMade(name, holder)) {
            awaitHeldBy(probe, holder);
            // The holder first: a 'sleep' killed first would end the command, and the holder would
            // unlock before its kill. Its children are found before it dies (then they are orphans).
            List<ProcessHandle> command = holder.process().descendants().toList();
            holder.kill9();
            command.forEach(ProcessHandle::destroyForcibly);

            Cli.Result next = Cli.run("lock", "--timeout", "10s", name, "--", "true");

            assertThat(next.exit()).as(next.err()).isZero();
            assertThat(next.errLines()).singleElement().asString()
                    .contains("recovered lock '" + name + "'").contains("pid " + holder.pid());
        }
    }

    @Test
    void givesUpAfterTheTimeout() throws Exception {
        String name = names.next();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            try (SharedMutex mutex = SharedMutex.openOrCreate(name)) {
                mutex.lock();
                held.countDown();
                done.await();
                mutex.unlock();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
            Cli.Result result = Cli.run("lock", "--timeout", "300ms", name, "--", "true");
            assertThat(result.exit()).isEqualTo(ExitCode.FAILURE);
            assertThat(result.errLines()).singleElement().asString()
                    .startsWith("jshm: timed out after 300ms waiting for lock '" + name + "'")
                    .contains("held by pid " + ProcessHandle.current().pid());
        } finally {
            done.countDown();
            holder.join();
        }
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(Cli.run("lock", names.next()).exit()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("lock", "--timeout", "soon", names.next(), "true").exit()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("lock", "a/b", "true").exit()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void aCommandThatCannotStartFails() {
        Cli.Result result = Cli.run("lock", names.next(), "--", "/nonexistent/command");
        assertThat(result.exit()).isEqualTo(ExitCode.FAILURE);
        assertThat(result.errLines()).singleElement().asString().contains("cannot run '/nonexistent/command'");
    }

    private static SharedMutex openWhenMade(String name, ChildJvm holder) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!SharedMemory.exists(name)) {
            assertThat(holder.process().isAlive()).as(holder.diagnostics()).isTrue();
            assertThat(System.nanoTime() - deadline).as("the holder made no mutex").isNegative();
            Thread.sleep(10);
        }
        return SharedMutex.openOrCreate(name);
    }

    private static void awaitHeldBy(SharedMutex mutex, ChildJvm holder) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (mutex.ownerPid().orElse(-1) != holder.pid()) {
            assertThat(System.nanoTime() - deadline).as("the holder did not take the lock").isNegative();
            Thread.sleep(10);
        }
    }
}
