package io.jshm.internal.os;

import io.jshm.testing.ExternalProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Holds the fake kernel32 to real behaviour: the probe program (src/test/resources/win32/win32_probe.c)
 * is built with mingw-w64 and run under Wine against Wine's kernel32, and built with gcc and run
 * against the fake; the two must print the same lines. Skipped, with the reason printed, where
 * {@code x86_64-w64-mingw32-gcc} or Wine is missing (docs/windows.md says how to install them).
 * Wine's prefix is {@code $WINEPREFIX} if set, else {@code jshm-wine-prefix} in the temporary
 * directory, made on first use (which takes Wine some seconds) and kept.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WineComparisonTest {

    private static final Duration RUN = Duration.ofSeconds(240);

    @Test
    void theFakeAnswersAsWinesKernel32Does(@TempDir Path dir) throws Exception {
        String wine = wine();
        skipUnless(wine != null, "Wine is not installed (wine, wine64 or /usr/lib/wine/wine64)");
        skipUnless(ExternalProcess.available("x86_64-w64-mingw32-gcc", "--version"),
                "x86_64-w64-mingw32-gcc (mingw-w64) is not installed");
        Path fake = FakeKernel32.library();
        Path source = FakeKernel32.copyResource("win32_probe.c");
        Path exe = FakeKernel32.DIR.resolve("win32_probe.exe");
        Path linux = FakeKernel32.DIR.resolve("win32_probe");
        compile(List.of("x86_64-w64-mingw32-gcc", "-std=c11", "-O1", "-Wall", "-Werror", "-o", exe.toString(),
                source.toString()));
        compile(List.of("gcc", "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-O1", "-Wall", "-Werror", "-o", linux.toString(),
                source.toString(), "-L" + fake.getParent(), "-lfake_kernel32", "-Wl,-rpath," + fake.getParent()));

        String prefix = "jshm-probe-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 16, 36);
        System.out.println("WineComparisonTest: object names start with " + prefix);
        // Outside target/: a prefix is some 700 MB, made once and kept across clean builds.
        String winePrefix = System.getenv().getOrDefault("WINEPREFIX",
                Path.of(System.getProperty("java.io.tmpdir"), "jshm-wine-prefix").toString());
        List<String> underWine = run(Files.createDirectory(dir.resolve("wine")),
                "env WINEPREFIX='" + winePrefix + "' WINEDEBUG=-all '" + wine + "' '" + exe + "' " + prefix);
        List<String> onFake = run(Files.createDirectory(dir.resolve("fake")), "'" + linux + "' " + prefix);

        assertThat(onFake).as("the probe on the fake, against Wine:%n%s", String.join("\n", underWine))
                .hasSizeGreaterThan(70)
                .containsExactlyElementsOf(underWine);
    }

    /** Runs a shell command in {@code dir}, stderr to a file there. {@return its stdout lines, without CR} */
    private static List<String> run(Path dir, String command) throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        ExternalProcess.Result r = ExternalProcess.run(RUN,
                List.of("sh", "-c", "cd '" + dir + "' && exec " + command + " 2>'" + stderr + "'"));
        assertThat(r.code()).as("%s exited with %d; stdout:%n%s%nstderr:%n%s", command, r.code(), r.output(),
                Files.exists(stderr) ? Files.readString(stderr) : "").isZero();
        return r.output().replace("\r", "").lines().toList();
    }

    private static void compile(List<String> command) throws Exception {
        ExternalProcess.Result cc = ExternalProcess.run(RUN, command);
        assertThat(cc.code()).as("%s:%n%s", command.getFirst(), cc.output()).isZero();
    }

    private static String wine() {
        for (String candidate : List.of("wine", "wine64", "/usr/lib/wine/wine64")) {
            if (ExternalProcess.available(candidate, "--version")) {
                return candidate;
            }
        }
        return null;
    }

    private static void skipUnless(boolean condition, String reason) {
        if (!condition) {
            System.out.println("WineComparisonTest skipped: " + reason);
        }
        assumeTrue(condition, reason);
    }
}
