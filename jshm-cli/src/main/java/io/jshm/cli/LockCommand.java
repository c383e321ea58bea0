package io.jshm.cli;

import io.jshm.sync.LockResult;
import io.jshm.sync.SharedMutex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code jshm lock NAME -- COMMAND...}: runs a command while holding a named robust mutex, as flock(1) does. */
@Command(name = "lock",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Runs COMMAND while holding the robust mutex NAME, and exits with the command's exit code,"
                    + " as flock(1) does with a lock file.",
            "",
            "The mutex lives in a shared-memory region of its own, made on first use and removed when the last"
                    + " process using it is done. If the holder dies (even by kill -9) while others wait, the next one"
                    + " gets the mutex and says on stderr that it recovered it from a dead owner; if nobody else was"
                    + " using it, the mutex went away with its holder (as a Windows named mutex does), and the next"
                    + " 'jshm lock' simply makes a new one.",
            "Exit codes: the command's own; 1 if the lock was not had within --timeout or the command could not"
                    + " start; 2 usage error.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jshm lock nightly -- ./backup.sh              one backup at a time, across shells and hosts' users",
            "  jshm lock --timeout 5s gpu -- python train.py give up after 5 seconds",
            "  jshm lock jobs -- sh -c 'echo start; sleep 1; echo end'"
        })
final class LockCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationArg.Converter.class,
            description = "Give up (exit 1) if the lock is not had within this time: 5s, 500ms, 2m. Default: wait.")
    private Duration timeout;

    @Parameters(index = "0", paramLabel = "NAME", description = "Name of the mutex (a region name).")
    private String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND",
            description = "The command and its arguments; put '--' before it if it has options of its own.")
    private List<String> command;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        try (SharedMutex mutex = SharedMutex.openOrCreate(name)) {
            OptionalLong holder = mutex.ownerPid();
            LockResult result = timeout == null ? mutex.lock() : mutex.tryLock(timeout);
            if (!result.acquired()) {
                OptionalLong now = mutex.ownerPid();
                throw new CommandException("timed out after " + DurationArg.format(timeout) + " waiting for lock '"
                        + name + "'" + (now.isPresent() ? " (held by pid " + now.getAsLong() + ")" : ""));
            }
            if (result == LockResult.OWNER_DIED) {
                err.println(ErrorHandler.PREFIX + "recovered lock '" + name + "' from an owner that died holding it"
                        + (holder.isPresent() ? " (pid " + holder.getAsLong() + ")" : ""));
                err.flush();
            }
            try {
                return run();
            } finally {
                mutex.unlock();
            }
        }
    }

    private int run() throws InterruptedException {
        // Parsing stops at NAME (so the command's own options are left alone): drop the "--" separator.
        List<String> argv = !command.isEmpty() && command.getFirst().equals("--") ? command.subList(1, command.size())
                : command;
        if (argv.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no COMMAND given after '--'");
        }
        Process process;
        try {
            process = new ProcessBuilder(argv).inheritIO().start();
        } catch (IOException e) {
            throw new CommandException("cannot run '" + String.join(" ", argv) + "': " + e.getMessage());
        }
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            process.destroy();
            throw e;
        }
    }
}
