package io.jshm.cli;

import io.jshm.SharedMemory;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.ExternalProcess;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The completion script, run by a real bash and a real zsh; progress bars where stderr is (said to be) a terminal. */
@Timeout(90)
class CompletionAndProgressTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(CompletionAndProgressTest.class);

    @TempDir
    Path dir;

    @Test
    void bashCompletesCommandsAndOptionsFromTheGeneratedScript() throws Exception {
        assumeTrue(ExternalProcess.available("bash", "--version"), "bash is not available");
        Cli.Result script = Cli.run("completion", "bash");
        assertThat(script.exit()).as(script.err()).isZero();
        assertThat(Cli.run("completion", "zsh").out()).isEqualTo(script.out()).contains("bashcompinit");
        Path file = Files.writeString(dir.resolve("jshm-completion.bash"), script.out());

        assertThat(complete(file, "jshm", "l")).contains("ls", "list", "lock").doesNotContain("dump");
        assertThat(complete(file, "jshm", "d")).contains("dump", "demo");
        assertThat(complete(file, "jshm", "dump", "x", "--f")).containsExactly("--format");
        assertThat(complete(file, "jshm", "gc", "--d")).containsExactly("--dry-run");
        assertThat(complete(file, "jshm", "queue", "s")).contains("send", "stat");
    }

    @Test
    void zshLoadsTheScriptAndItsFunctionOffersTheCommands() throws Exception {
        assumeTrue(ExternalProcess.available("zsh", "--version"), "zsh is not available");
        Path file = Files.writeString(dir.resolve("jshm-completion.zsh"), Cli.run("completion", "zsh").out());
        // zsh runs the script through its bash-completion emulation (bashcompinit): the script
        // registers _complete_jshm for 'jshm', and zsh itself then matches the offered words
        // against what was typed, so the lists below are every word allowed in that place.
        String program = "autoload -U +X compinit && compinit -u\nsource '" + file + "'\n"
                + "print -r -- \"registered: ${_comps[jshm]}\"\n"
                + "COMP_WORDS=(jshm queue s); COMP_CWORD=2; COMP_LINE='jshm queue s'; COMP_POINT=12\n"
                + "_complete_jshm jshm; print -l -- $COMPREPLY\n";
        ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(20), List.of("zsh", "-c", program));
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("registered: _bash_complete -F _complete_jshm");
        assertThat(r.output().lines().map(String::strip).toList()).contains("send", "recv", "stat", "create");
    }

    /** {@return what bash offers for the last word, through the script's completion function} */
    private static List<String> complete(Path script, String... words) throws InterruptedException {
        String line = String.join(" ", words);
        String program = "source '" + script + "'\n"
                + "COMP_WORDS=(" + line + ")\nCOMP_CWORD=" + (words.length - 1) + "\n"
                + "COMP_LINE='" + line + "'\nCOMP_POINT=" + line.length() + "\n"
                + "_complete_jshm jshm 2>/dev/null  # compopt complains outside a real completion\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
        ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(20), List.of("bash", "-c", program));
        assertThat(r.code()).as(r.output()).isZero();
        return r.output().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void writeAndPrefaultShowABarOnlyWhereSomeoneWatches() throws Exception {
        String name = names.nextRemovedAfterEach();
        assertThat(Cli.run("create", name, "48MiB").exit()).isZero();
        Path input = dir.resolve("input.bin");
        try (RandomAccessFile f = new RandomAccessFile(input.toFile(), "rw")) {
            f.setLength(40L << 20);
        }

        String watched = run(true, input, "write", name);
        assertThat(watched).contains("writing '" + name + "'  [", "100%  40 MiB of 40 MiB").endsWith("\r\u001b[K");
        assertThat(run(false, input, "write", name)).isEmpty();

        String big = names.nextRemovedAfterEach();
        String prefault = run(true, null, "create", big, "32MiB", "--prefault");
        assertThat(prefault).contains("prefaulting '" + big + "'  [", "100%  32 MiB of 32 MiB");
        assertThat(SharedMemory.info(big).size()).isEqualTo(32L << 20);
    }

    /** Runs the CLI in a child JVM; {@return what it wrote on stderr} */
    private static String run(boolean terminal, Path stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ChildJvm.javaBinary(), "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-Djshm.progress=" + terminal, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        Process process = builder.start();
        try {
            byte[] err = process.getErrorStream().readAllBytes();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(new String(err, StandardCharsets.UTF_8)).isZero();
            return new String(err, StandardCharsets.UTF_8);
        } finally {
            process.destroyForcibly();
        }
    }
}
