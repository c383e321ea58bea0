package io.jshm.cli;

import picocli.CommandLine;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

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
        if (ListCommand.isPlain(args)) {
            try {
                return ListCommand.plain(out, args);
            } catch (Exception e) {
                // nothing was printed (the listing prints at the end): the full path below reports it
            } finally {
                out.flush();
            }
        }
        CommandLine commandLine = new CommandLine(new JshmCommand(stdin, stdout));
        addCommands(commandLine, args);
        ErrorHandler errors = new ErrorHandler();
        commandLine.setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors);
        addExitCodes(commandLine);
        // 'jshm lock NAME cmd -x': everything after the command's name belongs to the command.
        CommandLine lock = commandLine.getSubcommands().get("lock");
        if (lock != null) {
            lock.setStopAtPositional(true);
        }
        try {
            return commandLine.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * Every command, by name and alias, in the order the help lists them; in a holder, since reading
     * the annotations loads picocli, which a plain listing does without.
     */
    private static final class Commands {
        static final Map<String, Class<?>> ALL = commands();
    }

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> map = new LinkedHashMap<>();
        for (Class<?> type : List.of(CreateCommand.class, WriteCommand.class, ReadCommand.class, ListCommand.class,
                InfoCommand.class, DumpCommand.class, TopCommand.class, GcCommand.class, RemoveCommand.class,
                LockCommand.class, QueueCommand.class, DemoCommand.class, CompletionCommand.class)) {
            CommandLine.Command command = type.getAnnotation(CommandLine.Command.class);
            map.put(command.name(), type);
            for (String alias : command.aliases()) {
                map.put(alias, type);
            }
        }
        return Collections.unmodifiableMap(map);
    }

    /**
     * Adds the subcommand that {@code args} names, or every one when they name none (help, usage
     * errors) or ask for the completion script, which describes them all; none for the version alone.
     */
    private static void addCommands(CommandLine commandLine, String[] args) {
        String named = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
        if (named == null && args.length == 1 && (args[0].equals("-V") || args[0].equals("--version"))) {
            return;
        }
        Class<?> only = named == null || named.equals("completion") ? null : Commands.ALL.get(named);
        for (Class<?> type : new LinkedHashSet<>(Commands.ALL.values())) {
            if (only == null || only == type) {
                commandLine.addSubcommand(type);
            }
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
