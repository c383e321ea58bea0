package io.jshm.cli;

import io.jshm.testing.ChildJvm;
import io.jshm.testing.ExternalProcess;
import io.jshm.testing.RegionNames;
import io.jshm.testing.ShmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Bad input to the operator commands (info, dump, top, gc, completion): one line on stderr that
 * says what is wrong, the documented exit code, never a stack trace.
 */
@Timeout(60)
class OperatorBadInputTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(OperatorBadInputTest.class);

    private String region(String size) {
        String name = names.nextRemovedAfterEach();
        assertThat(Cli.run("create", name, size).exit()).isZero();
        return name;
    }

    /** Runs the command and checks the one line and the code. {@return the line} */
    private static String failure(int code, String... args) {
        Cli.Result r = Cli.run(args);
        assertThat(r.exit()).as("exit code of %s: %s", List.of(args), r.err()).isEqualTo(code);
        assertThat(r.out()).isEmpty();
        List<String> lines = r.errLines();
        if (code == ExitCode.USAGE && lines.size() == 2) {
            assertThat(lines.get(1)).startsWith("try 'jshm"); // the problem, then where --help is
        } else {
            assertThat(lines).hasSize(1);
        }
        assertThat(r.err()).doesNotContain("Exception", "\tat ");
        assertThat(lines.getFirst()).startsWith("jshm: ");
        return lines.getFirst();
    }

    @Test
    void unknownNamesAreNotFound() {
        String missing = names.next();
        assertThat(failure(ExitCode.NOT_FOUND, "info", missing)).isEqualTo("jshm: no such region '" + missing + "'");
        assertThat(failure(ExitCode.NOT_FOUND, "dump", missing))
                .isEqualTo("jshm: cannot look at region '" + missing + "': open failed: ENOENT (2) No such file or"
                        + " directory");
        assertThat(failure(ExitCode.NOT_FOUND, "dump", "./" + missing + ".bin")).contains("ENOENT");
    }

    @Test
    void badNamesSizesFormatsAndOptionsAreUsageErrors() {
        String name = region("4KiB");
        assertThat(failure(ExitCode.USAGE, "info", "a*b")).contains("invalid region name 'a*b'");
        assertThat(failure(ExitCode.USAGE, "dump", name, "--length", "12XB")).contains("'12XB' is not a size");
        assertThat(failure(ExitCode.USAGE, "dump", name, "--format", "octal"))
                .isEqualTo("jshm: invalid format 'octal': canonical, hex, c or raw");
        assertThat(failure(ExitCode.USAGE, "create", names.next(), "0")).contains("size 0");
        assertThat(failure(ExitCode.USAGE, "create", names.next(), "1MB")).contains("ambiguous");
        assertThat(failure(ExitCode.USAGE, "top", "--once", "--interval", "soon")).contains("soon");
        assertThat(failure(ExitCode.USAGE, "info", name, "--sample", "-1s")).contains("-1s");
        assertThat(failure(ExitCode.USAGE, "completion", "fish")).isEqualTo("jshm: unknown shell 'fish': bash or zsh");
        assertThat(failure(ExitCode.USAGE, "gc", "--force")).contains("--force");
    }

    @Test
    void offsetsAndLengthsPastTheEndFail() {
        String name = region("4KiB");
        assertThat(failure(ExitCode.FAILURE, "dump", name, "--offset", "5000"))
                .isEqualTo("jshm: offset 5000 is past the end of region '" + name + "' (4096 bytes)");
        assertThat(failure(ExitCode.FAILURE, "dump", name, "--offset", "4000", "--length", "100"))
                .isEqualTo("jshm: range [4000, 4000 + 100) is outside region '" + name + "' of 4096 bytes");
        assertThat(Cli.run("dump", name, "--offset", "4096").outLines()).containsExactly("00001000");
    }

    @Test
    void aRegionThisUserMayNotReadIsOneLineAndExitOne() throws Exception {
        String name = region("4KiB");
        Path file = ShmFiles.path(name);
        List<String> prefix;
        if (isRoot()) {
            // root reads everything; without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH it reads what it owns
            assumeTrue(ExternalProcess.available("setpriv", "--version"), "setpriv (util-linux) is not available");
            Files.setAttribute(file, "unix:uid", 65534);
            prefix = List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search");
        } else {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("-w-------"));
            prefix = List.of();
        }
        ExternalProcess.Result dump = jshm(prefix, "dump", name);
        assertThat(dump.code()).as(dump.output()).isEqualTo(ExitCode.FAILURE);
        assertThat(dump.output().lines().toList()).containsExactly("jshm: cannot look at region '" + name
                + "': open failed: EACCES (13) Permission denied");

        // info still shows what the OS tells, and says why it cannot tell what the region holds
        ExternalProcess.Result info = jshm(prefix, "info", name);
        assertThat(info.code()).as(info.output()).isZero();
        assertThat(info.output()).contains("holds        ? (cannot look at region '" + name
                + "': open failed: EACCES (13) Permission denied)");
    }

    private static boolean isRoot() throws Exception {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    private static ExternalProcess.Result jshm(List<String> prefix, String... args) throws InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(ChildJvm.javaBinary(), "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return ExternalProcess.run(Duration.ofSeconds(30), command);
    }
}
