package io.jshm.cli;

import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The top-level command: help, version, usage errors and how failures are reported. */
@Timeout(10)
class MainTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(MainTest.class);

    @Test
    void helpListsCommandsExitCodesAndExamples() {
        Cli.Result r = Cli.run("--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: jshm", "create", "write", "read", "ls", "rm", "demo", "--verbose",
                "--version");
        assertThat(r.out()).contains("Exit codes:", "0   success", "1   failure", "2   usage error",
                "3   no such region");
        assertThat(r.out()).contains("Examples:", "jshm create frame 1MiB");
        assertThat(r.err()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"create", "write", "read", "ls", "info", "dump", "top", "gc", "rm", "lock", "queue", "demo",
            "completion"})
    void everyCommandHasHelpWithExamplesAndExitCodes(String command) {
        Cli.Result r = Cli.run(command, "--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: jshm " + command).contains("Examples:", "jshm " + command);
        assertThat(r.out()).contains("Exit codes:", "0   success", "1   failure", "2   usage error",
                "3   no such region");
        assertThat(r.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }

    @Test
    void createHelpSaysRegionsArePersistentRemovedByRmAndKeepTheirSize() {
        String help = Cli.run("create", "--help").out().replaceAll("\\s+", " ");

        assertThat(help).contains("PERSISTENT", "'jshm rm NAME' removes it",
                "Regions keep the size they were created with");
    }

    @Test
    void versionNamesTheProjectVersionAndTheRuntime() {
        Cli.Result r = Cli.run("--version");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).matches("(?s)jshm \\d+\\.\\d+\\.\\d+.*\\R.*Java 2\\d.*");
    }

    @Test
    void noCommandIsAUsageError() {
        Cli.Result r = Cli.run();

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly(
                "jshm: no command given; choose one of create, write, read, ls, info, dump, top, gc, rm, lock, queue,"
                + " demo, completion",
                "try 'jshm --help'");
    }

    @Test
    void unknownCommandAndUnknownOptionAreUsageErrorsWithAHint() {
        Cli.Result command = Cli.run("frobnicate");
        Cli.Result option = Cli.run("ls", "--bogus");

        assertThat(command.exit()).isEqualTo(2);
        assertThat(command.errLines()).hasSize(2).last().isEqualTo("try 'jshm --help'");
        assertThat(option.exit()).isEqualTo(2);
        assertThat(option.errLines()).containsExactly("jshm: Unknown option: '--bogus'", "try 'jshm ls --help'");
    }

    @Test
    void missingArgumentIsAUsageErrorNamingIt() {
        Cli.Result r = Cli.run("create", names.next());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(2);
        assertThat(r.errLines().getFirst()).startsWith("jshm: ").contains("SIZE");
        assertThat(r.errLines().getLast()).isEqualTo("try 'jshm create --help'");
    }

    @Test
    void invalidRegionNameIsAUsageErrorInOneLine() {
        Cli.Result r = Cli.run("read", "bad name");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("jshm: invalid region name 'bad name'")
                .doesNotContain("Exception");
    }

    @Test
    void missingRegionIsOneLineWithoutStackTraceAndExit3() {
        String name = names.next();

        Cli.Result r = Cli.run("read", name);

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.errLines()).singleElement().asString()
                .isEqualTo("jshm: cannot open region '" + name + "': shm_open failed: ENOENT (2) No such file or directory");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void verboseAddsTheStackTraceWhereverItIsGiven() {
        String name = names.next();

        Cli.Result before = Cli.run("--verbose", "read", name);
        Cli.Result after = Cli.run("read", name, "-v");

        for (Cli.Result r : new Cli.Result[] {before, after}) {
            assertThat(r.exit()).isEqualTo(3);
            assertThat(r.errLines().getFirst()).startsWith("jshm: cannot open region '" + name + "'");
            assertThat(r.err()).contains("io.jshm.NoSuchRegionException", "\tat io.jshm.");
        }
    }
}
