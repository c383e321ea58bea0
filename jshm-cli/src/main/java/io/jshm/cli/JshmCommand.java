package io.jshm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code jshm}: the top-level command, holding the global options and the streams of a run. Its
 * subcommands are added by {@link Main}, only the one that runs when the
 * command line names one: building picocli's model of every command costs start-up time.
 */
@Command(name = "jshm",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Named shared memory between processes, as Windows file mappings are: create, list, read, write and"
                    + " remove regions, and watch two processes share one (demo). For operators: find (ls), inspect"
                    + " (info, dump), watch (top) and clean up (gc) every shared-memory object on the host.",
            "",
            "NAME is a region name: 1 to 255 characters of A-Z a-z 0-9 . _ -. It is the same object as"
                    + " shm_open(\"/NAME\") in C and SharedMemory(\"NAME\") in Python. A NAME that contains a '/'"
                    + " is the path of a file-backed region instead (./frame.bin)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:failure; one line on stderr says what, which region and why (--verbose adds the stack trace)",
            "2:usage error: unknown command or option, a missing or bad argument (size, mode, region name)",
            "3:no such region (or file)"
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jshm create frame 1MiB          a persistent 1 MiB region 'frame'",
            "  echo hello | jshm write frame   copy stdin into it at offset 0",
            "  jshm read frame --length 5      print its first 5 bytes",
            "  jshm ls                         list every region on this host, who maps it, what it holds",
            "  jshm info frame                 one region in detail; a queue's or mutex's live state",
            "  jshm dump frame --length 64     its bytes, as hexdump -C shows them",
            "  jshm top                        a live view of every region and queue (q quits)",
            "  jshm gc                         remove regions whose users all died",
            "  jshm rm frame                   remove it",
            "  jshm lock jobs -- ./job.sh      run a command holding the robust mutex 'jobs'",
            "  jshm queue create q 64KiB       a message queue; then 'queue send', 'queue recv'",
            "  jshm demo                       two processes share memory, step by step",
            "  jshm completion bash            shell completion (see 'jshm completion --help')",
            "  bin/jshm bench --quick          jshm beside Agrona, sockets and C, side by side (bench --help)"
        })
final class JshmCommand implements Callable<Integer> {

    private final InputStream stdin;
    private final OutputStream stdout;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Say more: what was done, and stack traces with errors.")
    private boolean verbose;

    JshmCommand(InputStream stdin, OutputStream stdout) {
        this.stdin = stdin;
        this.stdout = stdout;
    }

    /** {@return whether --verbose was given, on this command or any subcommand} */
    boolean verbose() {
        return verbose;
    }

    /** {@return the bytes {@code write} reads} */
    InputStream stdin() {
        return stdin;
    }

    /** {@return where {@code read} writes bytes} */
    OutputStream stdout() {
        return stdout;
    }

    @Override
    public Integer call() {
        String commands = spec.subcommands().values().stream()
                .map(CommandLine::getCommandName)
                .distinct()
                .collect(Collectors.joining(", "));
        throw new ParameterException(spec.commandLine(), "no command given; choose one of " + commands);
    }
}
