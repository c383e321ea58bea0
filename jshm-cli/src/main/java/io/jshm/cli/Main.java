package io.jshm.cli;

import picocli.CommandLine;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;

/**
 * The {@code jshm} command-line tool: entry point and in-process runner.
 *
 * <p>{@link #main(String[])} exits the JVM with the command's exit code (see {@link ExitCode});
 * {@link #run(PrintWriter, PrintWriter, String...)} runs a command in this JVM and returns the
 * code, which is what tests use.
 *
 * <h2>Assumptions and guarantees</h2>
 * <ul>
 *   <li>Each call of {@code run} parses into fresh command objects: calls share no state and
 *       may run on different threads at once (they share the process's stdin/stdout where the
 *       overload without streams is used).</li>
 *   <li>Text goes to {@code out} and {@code err}; only {@code read} writes bytes, to the binary
 *       stdout, and only {@code write} reads stdin.</li>
 *   <li>Errors are one line on {@code err}, with no stack trace unless {@code --verbose}.</li>
 * </ul>
 */
public final class Main {

    private Main() {
    }

    /** Runs {@code jshm args...} and exits the JVM with its exit code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, System.out.charset()), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, System.err.charset()), true);
        // Raw stdout for bytes: unlike System.out, it reports write errors (a closed pipe) instead of
        // swallowing them.
        OutputStream binaryOut = new FileOutputStream(FileDescriptor.out);
        System.exit(run(System.in, binaryOut, out, err, args));
    }

    /**
     * Runs {@code jshm args...} in this JVM, with the process's stdin and stdout for the bytes that
     * {@code write} reads and {@code read} prints.
     *
     * @param out  where text output goes (tables, messages, help)
     * @param err  where errors go
     * @return the exit code: 0 success, 1 failure, 2 usage error, 3 no such region
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(System.in, System.out, out, err, args);
    }

    /**
     * Runs {@code jshm args...} in this JVM with the given streams.
     *
     * @param stdin  the bytes {@code write} copies into a region
     * @param stdout where {@code read} writes a region's bytes
     * @param out    where text output goes (tables, messages, help)
     * @param err    where errors go
     * @return the exit code: 0 success, 1 failure, 2 usage error, 3 no such region
     */
    public static int run(InputStream stdin, OutputStream stdout, PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new JshmCommand(stdin, stdout));
        ErrorHandler errors = new ErrorHandler();
        commandLine.setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors);
        addExitCodes(commandLine);
        // 'jshm lock NAME cmd -x': everything after the command's name belongs to the command.
        commandLine.getSubcommands().get("lock").setStopAtPositional(true);
        try {
            return commandLine.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Gives every subcommand's help the exit-code list of the top-level command. */
    private static void addExitCodes(CommandLine commandLine) {
        var top = commandLine.getCommandSpec().usageMessage();
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            var usage = sub.getCommandSpec().usageMessage();
            if (usage.exitCodeList().isEmpty()) {
                usage.exitCodeListHeading(top.exitCodeListHeading()).exitCodeList(top.exitCodeList());
            }
            addExitCodes(sub);
        }
    }
}
