package io.jshm.cli;

import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code jshm top}: a live view of every region and queue. Observes only. */
@Command(name = "top",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Shows every region, refreshed every --interval: what it holds, its state and processes, and for"
                    + " queues their depth, how full they are and messages in and out per second; for mutexes"
                    + " their owner, for semaphores their permits. Press q to quit.",
            "",
            "Works in any terminal, without colour too (a terminal without cursor control gets one frame after"
                    + " another). Not on a terminal, or with --once, it prints frames as text. Looking changes"
                    + " nothing: regions are read through read-only mappings that hold no lock.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jshm top",
            "  jshm top 'orders*' --interval 500ms",
            "  jshm top --once                     one frame (rates over --interval), for scripts"
        })
final class TopCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--once", description = "Print one frame and exit: two samples --interval apart, for the rates.")
    private boolean once;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationArg.Converter.class,
            description = "Time between frames (default: ${DEFAULT-VALUE}).")
    private Duration interval;

    @Parameters(paramLabel = "PATTERN", arity = "0..*",
            description = "Show only names that match one of these (* any characters, ? one); default: all.")
    private List<String> patterns;

    @Override
    public Integer call() throws Exception {
        NamePatterns filter = new NamePatterns(patterns);
        if (once) {
            TopFrame first = TopFrame.sample(filter);
            Thread.sleep(interval);
            PrintWriter out = spec.commandLine().getOut();
            TopFrame.sample(filter).render(first, "").forEach(out::println);
            out.flush();
            return ExitCode.OK;
        }
        live(filter);
        return ExitCode.OK;
    }

    private void live(NamePatterns filter) throws IOException, InterruptedException {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            boolean capable = terminal.getStringCapability(Capability.clear_screen) != null;
            boolean colour = capable
                    && terminal.getNumericCapability(Capability.max_colors) instanceof Integer n && n >= 8;
            AtomicBoolean quit = new AtomicBoolean();
            terminal.handle(Terminal.Signal.INT, signal -> quit.set(true));
            Attributes saved = terminal.enterRawMode();
            if (capable) {
                terminal.puts(Capability.enter_ca_mode);
                terminal.puts(Capability.cursor_invisible);
            }
            try {
                loop(terminal, filter, capable, colour, quit);
            } finally {
                if (capable) {
                    terminal.puts(Capability.cursor_visible);
                    terminal.puts(Capability.exit_ca_mode);
                }
                terminal.setAttributes(saved);
                terminal.flush();
            }
        }
    }

    private void loop(Terminal terminal, NamePatterns filter, boolean capable, boolean colour, AtomicBoolean quit)
            throws IOException, InterruptedException {
        NonBlockingReader keys = terminal.reader();
        boolean input = true;
        TopFrame before = null;
        while (!quit.get()) {
            TopFrame now = TopFrame.sample(filter);
            List<String> lines = now.render(before, "(every " + DurationArg.format(interval) + "; q quits)");
            before = now;
            draw(terminal, lines, capable, colour);
            long deadline = System.nanoTime() + interval.toNanos();
            while (!quit.get() && System.nanoTime() - deadline < 0) {
                long wait = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                if (!input) {
                    Thread.sleep(wait);
                    continue;
                }
                int key = keys.read(wait);
                if (key == 'q' || key == 'Q' || key == 3) {
                    quit.set(true);
                } else if (key == NonBlockingReader.EOF) {
                    input = false; // stdin ended (not a terminal): go on until interrupted
                }
            }
        }
    }

    private static void draw(Terminal terminal, List<String> lines, boolean capable, boolean colour) {
        int width = terminal.getWidth() > 0 ? terminal.getWidth() : Integer.MAX_VALUE;
        int height = terminal.getHeight() > 0 ? terminal.getHeight() : Integer.MAX_VALUE;
        PrintWriter writer = terminal.writer();
        if (capable) {
            terminal.puts(Capability.clear_screen);
        } else {
            writer.println();
        }
        for (int i = 0; i < lines.size() && (!capable || i < height - 1); i++) {
            String line = lines.get(i);
            String cut = line.length() > width ? line.substring(0, width) : line;
            if (colour && i == 2) {
                writer.print(new AttributedString(cut, AttributedStyle.BOLD).toAnsi(terminal));
            } else {
                writer.print(cut);
            }
            writer.print(capable ? "\r\n" : "\n");
        }
        writer.flush();
    }
}
