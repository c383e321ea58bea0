package io.jshm.cli;

import io.jshm.RegionView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code jshm dump NAME}: a region's bytes for people, as {@code hexdump -C} shows files. Observes only. */
@Command(name = "dump",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Prints the region's bytes from --offset for --length bytes (default: to the end).",
            "",
            "Formats: canonical (the default) is hexdump -C's: offset, 16 bytes in hex, the same as text, and"
                    + " '*' for lines that repeat the one before; hex is plain hex, 32 bytes a line; c is a C array"
                    + " (unsigned char NAME[] = {...}); raw is the bytes themselves, as 'jshm read' writes them.",
            "Looking changes nothing: it reads through a read-only mapping that holds no lock.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jshm dump orders --length 64",
            "  jshm dump orders --offset 1KiB --length 256 --format hex",
            "  jshm dump frame --length 16 --format c > frame.h",
            "  jshm dump ./frame.bin --format raw | sha256sum"
        })
final class DumpCommand implements Callable<Integer> {

    private static final int LINE = 16;
    private static final int HEX_LINE = 32;
    private static final int C_LINE = 12;

    @ParentCommand
    private JshmCommand root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private RangeOptions range;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "canonical",
            description = "canonical (hexdump -C), hex, c or raw (default: ${DEFAULT-VALUE}).")
    private String format;

    @Override
    public Integer call() throws IOException {
        String chosen = format.toLowerCase(Locale.ROOT);
        if (!Arrays.asList("canonical", "hex", "c", "raw").contains(chosen)) {
            throw new ParameterException(spec.commandLine(), "invalid format '" + format
                    + "': canonical, hex, c or raw");
        }
        RegionArg region = new RegionArg(range.name);
        try (RegionView view = region.isFile() ? RegionView.open(region.file()) : RegionView.open(range.name)) {
            long count = region.checkRange(range.offset, range.length, view.size());
            MemorySegment bytes = view.segment().asSlice(range.offset, count);
            PrintWriter out = spec.commandLine().getOut();
            switch (chosen) {
                case "canonical" -> canonical(out, bytes, range.offset);
                case "hex" -> hex(out, bytes);
                case "c" -> cArray(out, bytes, identifier(range.name));
                default -> raw(root.stdout(), bytes);
            }
            out.flush();
        }
        return ExitCode.OK;
    }

    /** hexdump -C: {@code 00000010  68 65 6c 6c 6f 00 ...  |hello.|}, repeated lines as {@code *}. */
    static void canonical(PrintWriter out, MemorySegment bytes, long base) {
        byte[] line = new byte[LINE];
        byte[] previous = null;
        boolean squeezed = false;
        long count = bytes.byteSize();
        for (long at = 0; at < count; at += LINE) {
            int n = (int) Math.min(LINE, count - at);
            byte[] current = n == LINE ? line : new byte[n];
            MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, at, current, 0, n);
            if (previous != null && n == LINE && Arrays.equals(previous, current)) {
                if (!squeezed) {
                    out.println("*");
                    squeezed = true;
                }
                continue;
            }
            squeezed = false;
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%08x ", base + at));
            for (int i = 0; i < LINE; i++) {
                sb.append(i == 8 ? "  " : " ").append(i < n ? String.format(Locale.ROOT, "%02x", current[i]) : "  ");
            }
            sb.append("  |");
            for (int i = 0; i < n; i++) {
                int c = current[i] & 0xff;
                sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
            }
            out.println(sb.append('|'));
            previous = current.clone();
        }
        out.println(String.format(Locale.ROOT, "%08x", base + count));
    }

    static void hex(PrintWriter out, MemorySegment bytes) {
        StringBuilder sb = new StringBuilder();
        for (long at = 0; at < bytes.byteSize(); at++) {
            sb.append(String.format(Locale.ROOT, "%02x", bytes.get(ValueLayout.JAVA_BYTE, at)));
            if ((at + 1) % HEX_LINE == 0) {
                out.println(sb);
                sb.setLength(0);
            }
        }
        if (!sb.isEmpty()) {
            out.println(sb);
        }
    }

    static void cArray(PrintWriter out, MemorySegment bytes, String identifier) {
        out.println("unsigned char " + identifier + "[] = {");
        long count = bytes.byteSize();
        for (long at = 0; at < count; at += C_LINE) {
            StringBuilder sb = new StringBuilder(" ");
            for (long i = at; i < Math.min(count, at + C_LINE); i++) {
                sb.append(String.format(Locale.ROOT, " 0x%02x", bytes.get(ValueLayout.JAVA_BYTE, i)));
                if (i + 1 < count) {
                    sb.append(',');
                }
            }
            out.println(sb);
        }
        out.println("};");
        out.println("unsigned int " + identifier + "_len = " + count + ";");
    }

    private static void raw(OutputStream stdout, MemorySegment bytes) throws IOException {
        byte[] buffer = new byte[(int) Math.min(1 << 16, Math.max(1, bytes.byteSize()))];
        for (long at = 0; at < bytes.byteSize(); at += buffer.length) {
            int n = (int) Math.min(buffer.length, bytes.byteSize() - at);
            MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, at, buffer, 0, n);
            stdout.write(buffer, 0, n);
        }
        stdout.flush();
    }

    /** {@return a C identifier from a region name or path, as xxd -i makes one} */
    static String identifier(String name) {
        String base = name.substring(name.lastIndexOf('/') + 1);
        String id = base.replaceAll("[^A-Za-z0-9_]", "_");
        return id.isEmpty() || Character.isDigit(id.charAt(0)) ? "_" + id : id;
    }
}
