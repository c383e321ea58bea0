package io.jshm.cli;

import io.jshm.Access;
import io.jshm.JshmException;
import io.jshm.NoSuchRegionException;
import io.jshm.RegionInfo;
import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jshm gc}: removes what no one can use any more, and says what it removed. */
@Command(name = "gc",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Removes stale regions (they live until last close, and every process that had them open has exited,"
                    + " crashes and kill -9 included) and incomplete ones whose creator died before finishing them,"
                    + " and prints one line for each.",
            "",
            "Live regions, persistent ones, and regions made by other programs (C, Python) are never touched."
                    + " Removal goes through jshm's own open, which removes a region only after checking again,"
                    + " under its lock, that nobody holds it: a region someone opens meanwhile is kept.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jshm gc --dry-run        what would be removed",
            "  jshm gc                  remove it",
            "  jshm gc 'worker-*'       only names that match"
        })
final class GcCommand implements Callable<Integer> {

    /** How long an incomplete region with no holder may still be in its creator's first instants. */
    private static final Duration UNFINISHED_GRACE = Duration.ofMillis(500);

    @Spec
    private CommandSpec spec;

    @Option(names = {"-n", "--dry-run"}, description = "Say what would be removed, and remove nothing.")
    private boolean dryRun;

    @Parameters(paramLabel = "PATTERN", arity = "0..*",
            description = "Look only at names that match one of these (* any characters, ? one); default: all.")
    private List<String> patterns;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        NamePatterns filter = new NamePatterns(patterns);
        int removed = 0;
        int failed = 0;
        long bytes = 0;
        for (RegionInfo info : SharedMemory.list()) {
            String why = reason(info);
            if (why == null || !filter.matches(info.name())) {
                continue;
            }
            String what = "region '" + Table.printable(info.name()) + "' (" + ByteSize.format(info.size()) + ", " + why + ")";
            if (dryRun) {
                out.println("would remove " + what);
                removed++;
                bytes += info.size();
                continue;
            }
            try {
                if (remove(info)) {
                    out.println("removed " + what);
                    removed++;
                    bytes += info.size();
                } else {
                    out.println("kept region '" + Table.printable(info.name()) + "': in use again");
                }
            } catch (JshmException e) {
                err.println(ErrorHandler.PREFIX + "cannot remove " + what + ": " + ErrorHandler.describe(e));
                failed++;
            }
        }
        out.println(removed == 0 ? "nothing to remove"
                : (dryRun ? "would remove " : "removed ") + removed + (removed == 1 ? " region, " : " regions, ")
                + ByteSize.format(bytes));
        return failed == 0 ? ExitCode.OK : ExitCode.FAILURE;
    }

    /** {@return why the region is garbage, or null if it is not} */
    private static String reason(RegionInfo info) {
        if (info.stale()) {
            return "stale: every process that had it open has exited";
        }
        if (!info.complete() && info.holders().isEmpty()) {
            return "incomplete: its creator died before finishing it";
        }
        return null;
    }

    /**
     * Removes it the way every jshm opener does: {@code open} finds a region that nobody holds stale
     * (or unfinished, after the grace) and removes it under its exclusive lock.
     * {@return true if it was removed, false if it turned out to be in use}
     */
    private static boolean remove(RegionInfo info) {
        SharedMemoryOptions options = SharedMemoryOptions.defaults().withAccess(Access.READ_ONLY)
                .withOpenTimeout(UNFINISHED_GRACE);
        try (SharedMemory ignored = SharedMemory.open(info.name(), options)) {
            return false;
        } catch (NoSuchRegionException gone) {
            return true;
        }
    }
}
