package io.jshm.cli;

import io.jshm.InvalidNameException;
import io.jshm.JshmException;
import io.jshm.NoSuchRegionException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Turns every failure into one line on stderr and an exit code (see {@link ExitCode}); the stack
 * trace follows only with {@code --verbose}.
 * <pre>
 * jshm: cannot open region 'x': shm_open failed: ENOENT (2) No such file or directory
 * </pre>
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    static final String PREFIX = "jshm: ";

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine commandLine = ex.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println(PREFIX + oneLine(ex.getMessage()));
        err.println("try '" + commandLine.getCommandSpec().qualifiedName() + " --help'");
        if (verbose(commandLine)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCode.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        err.println(PREFIX + describe(ex));
        if (verbose(commandLine)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return exitCodeOf(ex);
    }

    /** {@return the exit code for a failure} */
    static int exitCodeOf(Throwable failure) {
        return switch (failure) {
            case NoSuchRegionException _ -> ExitCode.NOT_FOUND;
            case InvalidNameException _ -> ExitCode.USAGE;
            default -> ExitCode.FAILURE;
        };
    }

    /** {@return the failure in one line: jshm's own messages as they are, others with their kind} */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        String line = switch (failure) {
            case JshmException _ -> message;
            case CommandException _ -> message;
            case UncheckedIOException e -> "I/O error: " + e.getCause().getMessage();
            case IOException _ -> "I/O error: " + message;
            default -> "internal error: " + failure + " (run with --verbose for the stack trace)";
        };
        return oneLine(line == null ? failure.getClass().getName() : line);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static boolean verbose(CommandLine commandLine) {
        CommandLine top = commandLine;
        while (top.getParent() != null) {
            top = top.getParent();
        }
        return top.getCommand() instanceof JshmCommand root && root.verbose();
    }
}
