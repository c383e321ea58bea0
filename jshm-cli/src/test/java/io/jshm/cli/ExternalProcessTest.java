package io.jshm.cli;

import io.jshm.SharedMemory;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real CLI in child processes ({@code java ... io.jshm.cli.Main}), with real stdin and
 * stdout, and a region shared with Python's {@code multiprocessing.shared_memory}.
 */
@Timeout(60)
class ExternalProcessTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(ExternalProcessTest.class);

    /** What a finished process gave back. */
    record Finished(int exit, byte[] stdout, String stderr) {
    }

    /** Runs {@code command} with {@code stdin} as its input, waiting at most 30 s. */
    private static Finished run(List<String> command, byte[] stdin) throws Exception {
        Process process = new ProcessBuilder(command).start();
        try {
            CompletableFuture<Void> feed = CompletableFuture.runAsync(() -> {
                try (OutputStream in = process.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            byte[] out = process.getInputStream().readAllBytes();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
            feed.get(5, TimeUnit.SECONDS);
            return new Finished(process.exitValue(), out, new String(err.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> jshm(String... args) {
        List<String> command = new ArrayList<>(List.of(ChildJvm.javaBinary(), "--enable-native-access=ALL-UNNAMED",
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static byte[] sample() {
        byte[] bytes = new byte[300];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7 + 3);
        }
        return bytes;
    }

    private String persistentRegion() {
        String name = names.nextRemovedAfterEach();
        assertThat(Cli.run("create", name, "4096").exit()).isZero();
        return name;
    }

    @Test
    void childProcessWritesStdinAndReadsToStdout() throws Exception {
        String name = persistentRegion();
        byte[] data = sample();

        Finished write = run(jshm("write", name, "--offset", "16"), data);
        Finished read = run(jshm("read", name, "--offset", "16", "--length", String.valueOf(data.length)), new byte[0]);

        assertThat(write.exit()).as(write.stderr()).isZero();
        assertThat(write.stdout()).isEmpty();
        assertThat(read.exit()).as(read.stderr()).isZero();
        assertThat(read.stdout()).isEqualTo(data);
    }

    @Test
    void childProcessReportsAMissingRegionInOneLineWithExit3() throws Exception {
        String name = names.next();

        Finished read = run(jshm("read", name), new byte[0]);

        assertThat(read.exit()).isEqualTo(3);
        assertThat(read.stderr().lines().toList()).containsExactly(
                "jshm: cannot open region '" + name + "': shm_open failed: ENOENT (2) No such file or directory");
    }

    @Test
    void pythonReadsWhatTheCliWrote() throws Exception {
        assumePython();
        String name = persistentRegion();
        byte[] data = sample();

        Finished write = run(jshm("write", name), data);
        assertThat(write.exit()).as(write.stderr()).isZero();

        // Python < 3.13 registers attached segments with its resource tracker, which unlinks them at
        // exit: unregister right after attaching.
        String script = """
                import sys
                from multiprocessing import resource_tracker, shared_memory
                shm = shared_memory.SharedMemory(name=sys.argv[1])
                resource_tracker.unregister(shm._name, "shared_memory")
                sys.stdout.write(bytes(shm.buf[:int(sys.argv[2])]).hex())
                shm.close()
                """;
        Finished python = run(List.of("python3", "-c", script, name, String.valueOf(data.length)), new byte[0]);

        assertThat(python.exit()).as(python.stderr()).isZero();
        assertThat(new String(python.stdout(), StandardCharsets.US_ASCII)).isEqualTo(HexFormat.of().formatHex(data));
        assertThat(SharedMemory.exists(name)).as("python left the region in place").isTrue();
    }

    private static void assumePython() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import multiprocessing.shared_memory")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            Assumptions.assumeTrue(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0,
                    "python3 with multiprocessing.shared_memory is not available");
        } catch (IOException e) {
            Assumptions.abort("python3 is not installed: " + e.getMessage());
        }
    }
}
