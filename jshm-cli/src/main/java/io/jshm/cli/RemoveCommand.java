package io.jshm.cli;

import io.jshm.JshmException;
import io.jshm.SharedMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jshm rm NAME...}: removes regions by name, as {@code shm_unlink} does. */
@Command(name = "rm",
        aliases = "remove",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Removes regions: their names go, so no new process can open them.",
            "",
            "Processes that have a region open keep using it until they close it; its memory is freed then."
                    + " Works for either lifetime. A NAME with a '/' removes that file-backed region's file."
                    + " Every NAME is tried; the exit code is 3 if some did not exist (and nothing else failed).",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jshm rm frame",
            "  jshm rm frame orders ./frame.bin"
        })
final class RemoveCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Region names, or file paths (contain '/').")
    private List<String> names;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int exit = ExitCode.OK;
        for (String name : names) {
            RegionArg region = new RegionArg(name);
            int code;
            try {
                code = remove(region) ? ExitCode.OK : ExitCode.NOT_FOUND;
                if (code == ExitCode.OK) {
                    out.println("removed " + region.describe());
                } else {
                    err.println(ErrorHandler.PREFIX + "cannot remove " + region.describe() + ": no such "
                            + (region.isFile() ? "file" : "region"));
                }
            } catch (JshmException | CommandException e) {
                err.println(ErrorHandler.PREFIX + ErrorHandler.describe(e));
                code = ErrorHandler.exitCodeOf(e);
            }
            // A real failure outranks "not found", which outranks success.
            if (exit == ExitCode.OK || (exit == ExitCode.NOT_FOUND && code != ExitCode.OK)) {
                exit = code;
            }
        }
        return exit;
    }

    /** {@return true if it was removed, false if there was none} */
    private static boolean remove(RegionArg region) {
        if (!region.isFile()) {
            return SharedMemory.unlink(region.text());
        }
        Path file = region.file();
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new CommandException("cannot remove " + region.describe() + ": not a regular file");
        }
        return SharedMemory.unlink(file);
    }
}
