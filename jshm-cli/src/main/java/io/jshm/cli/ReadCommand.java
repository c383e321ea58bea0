package io.jshm.cli;

import io.jshm.Access;
import io.jshm.SharedMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.Callable;

/** {@code jshm read NAME}: prints a region's bytes; an observer, it opens read-only. */
@Command(name = "read",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Writes the region's bytes to stdout, from --offset for --length bytes (default: to the end).",
            "",
            "Opens the region read-only: it never changes the region. A range outside the region is an error.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jshm read frame --length 5              the first 5 bytes",
            "  jshm read frame --offset 1KiB --length 64 | xxd",
            "  jshm read ./frame.bin > copy.bin"
        })
final class ReadCommand implements Callable<Integer> {

    private static final int CHUNK = 1 << 16;
    private static final String BROKEN_PIPE = "Broken pipe";

    @ParentCommand
    private JshmCommand root;

    @Mixin
    private RangeOptions range;

    @Override
    public Integer call() throws IOException {
        RegionArg region = new RegionArg(range.name);
        try (SharedMemory shm = region.open(Access.READ_ONLY)) {
            long count = region.checkRange(range.offset, range.length, shm.size());
            try {
                copy(shm.segment(), range.offset, count, root.stdout());
            } catch (IOException e) {
                if (!BROKEN_PIPE.equals(e.getMessage())) {
                    throw e;
                }
                // The reader stopped early (jshm read x | head -c 16): it has what it wanted.
            }
        }
        return ExitCode.OK;
    }

    private static void copy(MemorySegment view, long from, long count, OutputStream out) throws IOException {
        byte[] buffer = new byte[(int) Math.min(CHUNK, Math.max(count, 1))];
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(buffer.length, count - done);
            MemorySegment.copy(view, ValueLayout.JAVA_BYTE, from + done, buffer, 0, n);
            out.write(buffer, 0, n);
            done += n;
        }
        out.flush();
    }
}
