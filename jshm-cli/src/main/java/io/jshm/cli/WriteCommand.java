package io.jshm.cli;

import io.jshm.Access;
import io.jshm.SharedMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jshm write NAME}: copies stdin into a region, all or nothing. */
@Command(name = "write",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Copies the bytes of stdin into the region, starting at --offset.",
            "",
            "All or nothing: stdin is read to its end first, and if it does not fit between the offset and"
                    + " the end of the region, the command fails and writes nothing. Bytes after the input are"
                    + " left as they were. Prints nothing on success (a summary on stderr with --verbose).",
            "A large input shows a progress bar on stderr when stderr is a terminal.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  echo hello | jshm write frame",
            "  jshm write frame --offset 4KiB < row.bin",
            "  printf '\\x01\\x00\\x00\\x00' | jshm write ./frame.bin --offset 64"
        })
final class WriteCommand implements Callable<Integer> {

    private static final int CHUNK = 1 << 20;

    @ParentCommand
    private JshmCommand root;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "Region name, or a file path (contains '/').")
    private String name;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", converter = ByteSize.CountConverter.class,
            description = "Where to start writing, in bytes from the region's start (default: ${DEFAULT-VALUE}).")
    private long offset;

    @Override
    public Integer call() throws IOException {
        RegionArg region = new RegionArg(name);
        try (SharedMemory shm = region.open(Access.READ_WRITE)) {
            long size = shm.size();
            region.checkOffset(offset, size);
            long room = size - offset;
            Progress progress = Progress.start(spec.commandLine().getErr(), "reading stdin for '" + name + "'", -1);
            List<byte[]> input = readAtMost(root.stdin(), room + 1, progress);
            long total = input.stream().mapToLong(chunk -> chunk.length).sum();
            if (total > room) {
                throw new CommandException("input does not fit: more than the " + room + " bytes from offset "
                        + offset + " to the end of " + region.describe() + " (" + ByteSize.format(size)
                        + "); nothing was written");
            }
            MemorySegment view = shm.segment();
            long at = offset;
            try (Progress copying = Progress.start(spec.commandLine().getErr(), "writing '" + name + "'", total)) {
                for (byte[] chunk : input) {
                    MemorySegment.copy(chunk, 0, view, ValueLayout.JAVA_BYTE, at, chunk.length);
                    at += chunk.length;
                    if (copying != null) {
                        copying.update(at - offset);
                    }
                }
            }
            if (root.verbose()) {
                spec.commandLine().getErr().println("jshm: wrote " + total + " bytes to " + region.describe()
                        + " at offset " + offset);
            }
        }
        return ExitCode.OK;
    }

    /** {@return the bytes of {@code in} up to its end or {@code limit} bytes, whichever is first} */
    private static List<byte[]> readAtMost(InputStream in, long limit, Progress progress) throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        long total = 0;
        try (progress) {
            while (total < limit) {
                byte[] chunk = in.readNBytes((int) Math.min(CHUNK, limit - total));
                if (chunk.length == 0) {
                    break;
                }
                chunks.add(chunk);
                total += chunk.length;
                if (progress != null && total >= Progress.THRESHOLD) {
                    progress.update(total);
                }
            }
        }
        return chunks;
    }
}
