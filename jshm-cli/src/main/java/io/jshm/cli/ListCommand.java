package io.jshm.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jshm.Lifetime;
import io.jshm.RegionInfo;
import io.jshm.RegionProcess;
import io.jshm.SharedMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code jshm ls}: every region on the host, as a table or as JSON. Observes only. */
@Command(name = "ls",
        aliases = "list",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Lists every shared-memory object on this host (/dev/shm), made by jshm or not, sorted by name.",
            "",
            "Listing changes nothing: it holds no region and writes none; it reads the first bytes of each"
                    + " live region through a read-only mapping that holds no lock, to tell what it holds. Columns:",
            "  SIZE       in binary units (KiB = 1024 bytes)",
            "  MODE       permission bits, octal",
            "  CREATED    when it was made; MODIFIED: when its bytes or size last changed (local time)",
            "  HOLDS      raw (plain bytes), queue/spsc, queue/mpsc, queue/broadcast, mutex, semaphore, event,",
            "             seqlock, posix-semaphore; ? when it cannot be read, - when stale or incomplete",
            "  LIFETIME   until-last-close: removed when its last user closes or dies;",
            "             persistent: stays until 'jshm rm'",
            "  STATE      live; stale: every user died, 'jshm gc' (or the next open) removes it;",
            "             incomplete: its creator is making it, or died doing so",
            "  PROCESSES  pid/command of each process that has it mapped (any program), and the pid of each",
            "             jshm holder that has not; processes this user may not inspect are not shown",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jshm ls",
            "  jshm ls 'orders*'                       only names that match",
            "  jshm ls --json | jq '.[] | select(.stale)'",
            "  jshm ls --json | jq '.[] | {name, holds, pids: [.mappedBy[].pid]}'"
        })
final class ListCommand implements Callable<Integer> {

    static final String[] HEADER = {"NAME", "SIZE", "MODE", "OWNER", "CREATED", "MODIFIED", "HOLDS", "LIFETIME",
            "STATE", "PROCESSES"};

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array of objects (name, path, size, mode, owner, created,"
            + " modified, holds, lifetime, stale, complete, holders, mappedBy) instead of a table.")
    private boolean json;

    @Parameters(paramLabel = "PATTERN", arity = "0..*",
            description = "Show only names that match one of these (* any characters, ? one); default: all.")
    private List<String> patterns;

    /** A process in JSON. */
    record ProcessJson(long pid, String command) {
    }

    /**
     * One region in JSON; times are ISO-8601 UTC, {@code mode} octal like {@code "0600"},
     * {@code holders} the jshm handles' pids, {@code mappedBy} every process that maps it.
     */
    @JsonPropertyOrder({"name", "path", "size", "mode", "owner", "created", "modified", "holds", "lifetime", "stale",
            "complete", "holders", "mappedBy"})
    record RegionJson(String name, String path, long size, String mode, String owner, String created,
                      String modified, String holds, String lifetime, boolean stale, boolean complete,
                      List<Long> holders, List<ProcessJson> mappedBy) {
        static RegionJson of(RegionInfo info, Contents contents) {
            return new RegionJson(info.name(), info.path(), info.size(), FileMode.format(info.mode()), info.owner(),
                    info.created().toString(), info.modified().toString(), contents.kind(),
                    lifetimeName(info.lifetime()), info.stale(), info.complete(), info.holders(),
                    info.mappedBy().stream().map(p -> new ProcessJson(p.pid(), p.command())).toList());
        }
    }

    @Override
    public Integer call() throws Exception {
        return list(spec.commandLine().getOut(), json, patterns);
    }

    /**
     * {@return whether {@code args} are a plain listing ({@code ls [--json] [PATTERN...]}), which
     * {@link Main} then runs through {@link #list} without building the command-line model: the
     * most common command starts in half the time}
     */
    static boolean isPlain(String[] args) {
        if (args.length == 0 || !(args[0].equals("ls") || args[0].equals("list"))) {
            return false;
        }
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("-") && !args[i].equals("--json")) {
                return false; // help, a typo, or "--": picocli deals with those
            }
        }
        return true;
    }

    /** Runs a plain listing, as parsed by {@link #isPlain}. {@return the exit code} */
    static int plain(PrintWriter out, String[] args) throws Exception {
        List<String> patterns = new ArrayList<>();
        boolean json = false;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--json")) {
                json = true;
            } else {
                patterns.add(args[i]);
            }
        }
        return list(out, json, patterns);
    }

    private static int list(PrintWriter out, boolean json, List<String> patterns) throws Exception {
        NamePatterns filter = new NamePatterns(patterns);
        List<RegionInfo> regions = SharedMemory.list().stream().filter(r -> filter.matches(r.name())).toList();
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            out.println(mapper.writeValueAsString(regions.stream().map(r -> RegionJson.of(r, Contents.of(r))).toList()));
        } else {
            Table table = new Table(Set.of(1), HEADER);
            regions.forEach(r -> table.add(row(r, Contents.of(r))));
            table.print(out);
        }
        return ExitCode.OK;
    }

    static String lifetimeName(Lifetime lifetime) {
        return switch (lifetime) {
            case UNTIL_LAST_CLOSE -> "until-last-close";
            case PERSISTENT -> "persistent";
        };
    }

    static String state(RegionInfo info) {
        return !info.complete() ? "incomplete" : info.stale() ? "stale" : "live";
    }

    /** {@return {@code pid/command} of each mapping process, then the pids of holders that map nothing; or -} */
    static String processes(RegionInfo info) {
        List<String> cells = new ArrayList<>();
        for (RegionProcess p : info.mappedBy()) {
            cells.add(p.pid() + "/" + Table.printable(p.command()));
        }
        for (long holder : info.holders()) {
            if (info.mappedBy().stream().noneMatch(p -> p.pid() == holder)) {
                cells.add(Long.toString(holder));
            }
        }
        return cells.isEmpty() ? "-" : String.join(",", cells);
    }

    private static String[] row(RegionInfo info, Contents contents) {
        return new String[] {Table.printable(info.name()), ByteSize.format(info.size()), FileMode.format(info.mode()),
                info.owner(), Times.brief(info.created()), Times.brief(info.modified()), contents.kind(),
                lifetimeName(info.lifetime()), state(info), processes(info)};
    }
}
