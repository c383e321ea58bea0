package io.jshm.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jshm.Lifetime;
import io.jshm.RegionInfo;
import io.jshm.SharedMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code jshm ls}: every region on the host, as a table or as JSON. Observes only. */
@Command(name = "ls",
        aliases = "list",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Lists every shared-memory region on this host, made by jshm or not, sorted by name.",
            "",
            "Listing opens nothing and changes nothing. Columns:",
            "  SIZE      in binary units (KiB = 1024 bytes)",
            "  MODE      permission bits, octal",
            "  LIFETIME  until-last-close: removed when its last user closes or dies;",
            "            persistent: stays until 'jshm rm'",
            "  STATE     live; stale: every user died, the next open removes it;",
            "            incomplete: its creator is still making it",
            "  HOLDERS   ids of the processes that hold it open through jshm",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jshm ls",
            "  jshm ls --json | jq '.[] | select(.stale)'"
        })
final class ListCommand implements Callable<Integer> {

    private static final String[] HEADER = {"NAME", "SIZE", "MODE", "OWNER", "LIFETIME", "STATE", "HOLDERS"};
    private static final int SIZE_COLUMN = 1;

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array of objects (name, path, size, mode, owner, modified,"
            + " lifetime, stale, complete, holders) instead of a table.")
    private boolean json;

    /** One region in JSON; {@code modified} is ISO-8601, {@code mode} octal like {@code "0600"}. */
    @JsonPropertyOrder({"name", "path", "size", "mode", "owner", "modified", "lifetime", "stale", "complete", "holders"})
    record RegionJson(String name, String path, long size, String mode, String owner, String modified,
                      String lifetime, boolean stale, boolean complete, List<Long> holders) {
        static RegionJson of(RegionInfo info) {
            return new RegionJson(info.name(), info.path(), info.size(), FileMode.format(info.mode()), info.owner(),
                    info.modified().toString(), lifetimeName(info.lifetime()), info.stale(), info.complete(),
                    info.holders());
        }
    }

    @Override
    public Integer call() throws Exception {
        List<RegionInfo> regions = SharedMemory.list();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            out.println(mapper.writeValueAsString(regions.stream().map(RegionJson::of).toList()));
        } else {
            printTable(out, regions.stream().map(ListCommand::row).toList());
        }
        return ExitCode.OK;
    }

    static String lifetimeName(Lifetime lifetime) {
        return switch (lifetime) {
            case UNTIL_LAST_CLOSE -> "until-last-close";
            case PERSISTENT -> "persistent";
        };
    }

    private static String[] row(RegionInfo info) {
        String state = !info.complete() ? "incomplete" : info.stale() ? "stale" : "live";
        String holders = info.holders().isEmpty() ? "-"
                : info.holders().stream().map(String::valueOf).collect(Collectors.joining(","));
        return new String[] {printable(info.name()), ByteSize.format(info.size()), FileMode.format(info.mode()),
                info.owner(), lifetimeName(info.lifetime()), state, holders};
    }

    private static void printTable(PrintWriter out, List<String[]> rows) {
        int[] widths = new int[HEADER.length];
        for (String[] row : concat(HEADER, rows)) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : concat(HEADER, rows)) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                boolean last = i == row.length - 1;
                String format = i == SIZE_COLUMN ? "%" + widths[i] + "s" : last ? "%s" : "%-" + widths[i] + "s";
                line.append(String.format(format, row[i]));
            }
            out.println(line);
        }
    }

    private static List<String[]> concat(String[] header, List<String[]> rows) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.<String[]>of(header), rows.stream()).toList();
    }

    /** {@return the name with control characters and spaces escaped, so each row stays one line of columns} */
    private static String printable(String name) {
        StringBuilder sb = new StringBuilder();
        name.codePoints().forEach(c -> sb.append(c <= 0x20 || c == 0x7f ? "\\x%02x".formatted(c) : Character.toString(c)));
        return sb.toString();
    }
}
