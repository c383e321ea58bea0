package io.jshm.cli;

import io.jshm.Lifetime;
import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code jshm create NAME SIZE}: makes a persistent region and exits. */
@Command(name = "create",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Creates a region of SIZE bytes, zero-filled, and exits at once.",
            "",
            "The region is PERSISTENT: it stays after this command exits, until 'jshm rm NAME' removes it"
                    + " (a region in memory also goes when the host restarts).",
            "Regions keep the size they were created with, as Windows file mappings do: nothing grows or shrinks"
                    + " one. To resize, remove it and create it again.",
            "With --prefault on a terminal, a large region shows a progress bar on stderr.",
            "A NAME with a '/' (or --file PATH) makes a file-backed region, whose data survives a restart.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jshm create frame 1MiB               region 'frame', 1 MiB, mode 0600",
            "  jshm create orders 64KiB --mode 640  readable by the owner's group too",
            "  jshm create ./frame.bin 4096         backed by the file ./frame.bin",
            "  jshm create frame 2G --file /var/tmp/frame.bin --prefault",
            "  jshm rm frame                        removes it again"
        })
final class CreateCommand implements Callable<Integer> {

    /** The stride of the prefault touch: the smallest page size of the platforms jshm runs on. */
    private static final long PAGE = 4096;

    @ParentCommand
    private JshmCommand root;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME",
            description = "Region name, or a file path (contains '/'); with --file only a label.")
    private String name;

    @Parameters(index = "1", paramLabel = "SIZE", converter = ByteSize.SizeConverter.class,
            description = "Size in bytes: 4096, 64KiB, 1MiB, 2GiB (K, M, G, T are binary units too).")
    private long size;

    @Option(names = "--mode", paramLabel = "OCTAL", defaultValue = "600", converter = FileMode.Converter.class,
            description = "Permission bits, in octal (default: ${DEFAULT-VALUE}); the umask does not narrow them.")
    private int mode;

    @Option(names = "--file", paramLabel = "PATH",
            description = "Back the region by this file (which must not exist); NAME is then only a label.")
    private Path file;

    @Option(names = "--prefault", description = "Touch every page now (MAP_POPULATE), so the memory is resident;"
            + " a progress bar shows on a terminal.")
    private boolean prefault;

    @Override
    public Integer call() {
        RegionArg region = new RegionArg(name);
        if (file != null && region.isFile()) {
            throw new ParameterException(spec.commandLine(),
                    "give the file either as NAME or with --file, not both ('" + name + "' and '" + file + "')");
        }
        Path backing = file != null ? file : region.isFile() ? region.file() : null;
        // On a terminal, a large prefault touches the pages itself, to show a bar; else MAP_POPULATE does it.
        Progress progress = prefault ? Progress.start(spec.commandLine().getErr(), "prefaulting '" + name + "'", size)
                : null;
        SharedMemoryOptions options = SharedMemoryOptions.defaults()
                .withLifetime(Lifetime.PERSISTENT)
                .withMode(mode)
                .withPrefault(prefault && progress == null);
        try (SharedMemory shm = backing != null
                ? SharedMemory.create(backing, size, options)
                : SharedMemory.create(name, size, options)) {
            if (progress != null) {
                touch(shm.segment(), progress);
            }
            String what = backing == null
                    ? "region '" + shm.name() + "'"
                    : "file region '" + backing + "'" + (file != null ? " ('" + name + "')" : "");
            String removal = backing == null ? name : backing.toString();
            spec.commandLine().getOut().println("created " + what + ": " + ByteSize.format(shm.size()) + " ("
                    + shm.size() + " bytes), mode " + FileMode.format(mode) + ", persistent until 'jshm rm "
                    + removal + "'");
        }
        return ExitCode.OK;
    }

    /** Reads one byte of every page, so that every page is resident, showing how far it got. */
    private static void touch(MemorySegment region, Progress progress) {
        try (progress) {
            long size = region.byteSize();
            byte sink = 0;
            for (long at = 0; at < size; at += PAGE) {
                sink ^= region.get(ValueLayout.JAVA_BYTE, at);
                if ((at & ((1 << 20) - 1)) == 0) {
                    progress.update(at);
                }
            }
            progress.update(size);
            if (sink == 42) {
                Thread.onSpinWait(); // keeps the reads from being optimised away
            }
        }
    }
}
