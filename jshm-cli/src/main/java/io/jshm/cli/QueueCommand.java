package io.jshm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jshm.Lifetime;
import io.jshm.SharedMemoryOptions;
import io.jshm.queue.QueueCounters;
import io.jshm.queue.QueueType;
import io.jshm.queue.SharedQueue;
import io.jshm.queue.WaitStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code jshm queue ...}: message queues in shared memory, from the shell. */
@Command(name = "queue",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Message queues in shared memory: create one, send lines into it, receive them in another process,"
                    + " and watch its counters.",
            ""
        },
        subcommands = {QueueCommand.Create.class, QueueCommand.Send.class, QueueCommand.Receive.class,
                QueueCommand.Stat.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  jshm queue create events 1MiB --type mpsc",
            "  jshm queue recv events --count 3 &        # in one shell",
            "  printf 'a\\nb\\nc\\n' | jshm queue send events   # in another",
            "  jshm queue stat events --json"
        })
final class QueueCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "no queue command given; choose create, send, recv or stat");
    }

    /** {@code jshm queue create NAME CAPACITY}. */
    @Command(name = "create",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = {
                "Creates a queue whose ring holds CAPACITY bytes (a power of two, 1KiB to 1GiB); the largest"
                        + " message is a quarter of it.",
                "",
                "The queue is PERSISTENT: it stays after this command exits, until 'jshm rm NAME'.",
                ""
            },
            footerHeading = "%nExamples:%n",
            footer = {
                "  jshm queue create orders 64KiB                 one producer, one consumer",
                "  jshm queue create events 1MiB --type mpsc      many producers",
                "  jshm queue create ticks 4MiB --type broadcast  every consumer gets every message"
            })
    static final class Create implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "Queue (region) name.")
        private String name;

        @Parameters(index = "1", paramLabel = "CAPACITY", converter = ByteSize.SizeConverter.class,
                description = "Ring size in bytes, a power of two: 4096, 64KiB, 1MiB.")
        private long capacity;

        @Option(names = "--type", paramLabel = "TYPE", defaultValue = "spsc",
                description = "spsc (one producer, one consumer), mpsc (many producers) or broadcast (every consumer"
                        + " gets every message); default: ${DEFAULT-VALUE}.")
        private String type;

        @Option(names = "--mode", paramLabel = "OCTAL", defaultValue = "600", converter = FileMode.Converter.class,
                description = "Permission bits, in octal (default: ${DEFAULT-VALUE}).")
        private int mode;

        @Option(names = "--lanes", paramLabel = "N",
                description = "mpsc: rings of CAPACITY that one producer each has to itself, 0 to 64 (default: 0, one"
                        + " ring that all producers share); producers beyond them share the queue's ring.")
        private Integer lanes;

        @Override
        public Integer call() {
            QueueType queueType = parseType(spec, type);
            if (lanes != null && (queueType != QueueType.MPSC || lanes < 0 || lanes > SharedQueue.MAX_LANES)) {
                throw new ParameterException(spec.commandLine(), queueType != QueueType.MPSC
                        ? "--lanes is for mpsc queues" : "invalid --lanes " + lanes + ": 0 to " + SharedQueue.MAX_LANES);
            }
            if (capacity < SharedQueue.MIN_CAPACITY || capacity > SharedQueue.MAX_CAPACITY
                    || Long.bitCount(capacity) != 1) {
                throw new ParameterException(spec.commandLine(), "invalid capacity " + capacity + ": a power of two from "
                        + ByteSize.format(SharedQueue.MIN_CAPACITY) + " to " + ByteSize.format(SharedQueue.MAX_CAPACITY));
            }
            SharedMemoryOptions options = SharedMemoryOptions.defaults().withLifetime(Lifetime.PERSISTENT).withMode(mode);
            try (SharedQueue queue = lanes == null ? SharedQueue.create(name, capacity, queueType, options)
                    : SharedQueue.createMpsc(name, capacity, lanes, options)) {
                spec.commandLine().getOut().println("created " + typeName(queue.type()) + " queue '" + name + "': "
                        + ByteSize.format(capacity) + " ring" + (queue.lanes() > 0 ? " and " + queue.lanes() + " lanes of "
                        + ByteSize.format(capacity) : "") + ", messages up to " + ByteSize.format(queue.maxMessageLength())
                        + ", persistent until 'jshm rm " + name + "'");
            }
            return ExitCode.OK;
        }
    }

    /** {@code jshm queue send NAME}. */
    @Command(name = "send",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = {
                "Sends each line of standard input (or of --file) as one message, without its line end; waits while"
                        + " the queue is full.",
                ""
            },
            footerHeading = "%nExamples:%n",
            footer = {
                "  echo hello | jshm queue send orders",
                "  jshm queue send orders --file orders.txt"
            })
    static final class Send implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @ParentCommand
        private QueueCommand queueCommand;

        @Parameters(index = "0", paramLabel = "NAME", description = "Queue name.")
        private String name;

        @Option(names = "--file", paramLabel = "PATH", description = "Read the lines from this file, not stdin.")
        private Path file;

        @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationArg.Converter.class,
                description = "Give up (exit 1) if the queue stays full this long: 5s, 500ms. Default: wait.")
        private Duration timeout;

        @Override
        public Integer call() throws InterruptedException {
            int sent = 0;
            try (SharedQueue queue = SharedQueue.open(name);
                 BufferedReader in = new BufferedReader(new InputStreamReader(input(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    MemorySegment message = MemorySegment.ofArray(line.getBytes(StandardCharsets.UTF_8));
                    if (!queue.send(0, message, WaitStrategy.PARK, timeout)) {
                        throw new CommandException("queue '" + name + "' stayed full for " + DurationArg.format(timeout)
                                + "; sent " + sent + " messages");
                    }
                    sent++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return ExitCode.OK;
        }

        private InputStream input() throws IOException {
            return file != null ? Files.newInputStream(file) : queueCommand.root().stdin();
        }
    }

    /** {@code jshm queue recv NAME}. */
    @Command(name = "recv",
            aliases = "receive",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = {
                "Receives messages and prints each as one line on standard output.",
                "",
                "Without --count it runs until interrupted, or until --timeout passes with no message. With --count N"
                        + " it exits after N messages, and fails (exit 1) if --timeout passes first.",
                "A broadcast consumer receives the messages sent after it started.",
                ""
            },
            footerHeading = "%nExamples:%n",
            footer = {
                "  jshm queue recv orders --count 10",
                "  jshm queue recv orders --timeout 5s"
            })
    static final class Receive implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @ParentCommand
        private QueueCommand queueCommand;

        @Parameters(index = "0", paramLabel = "NAME", description = "Queue name.")
        private String name;

        @Option(names = "--count", paramLabel = "N", description = "Exit after N messages.")
        private Long count;

        @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationArg.Converter.class,
                description = "Stop when no message comes for this long: 5s, 500ms. Default: wait.")
        private Duration timeout;

        @Override
        public Integer call() throws InterruptedException {
            if (count != null && count < 0) {
                throw new ParameterException(spec.commandLine(), "--count must be 0 or more, got " + count);
            }
            OutputStream out = queueCommand.root().stdout();
            long[] received = {0};
            long wanted = count == null ? Long.MAX_VALUE : count;
            try (SharedQueue queue = SharedQueue.open(name)) {
                if (queueCommand.root().verbose()) {
                    spec.commandLine().getErr().println(ErrorHandler.PREFIX + "receiving from " + typeName(queue.type())
                            + " queue '" + name + "'");
                    spec.commandLine().getErr().flush();
                }
                while (received[0] < wanted) {
                    int limit = (int) Math.min(256, wanted - received[0]);
                    int n = queue.receive((type, buffer, offset, length) -> {
                        write(out, buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
                        received[0]++;
                    }, limit, WaitStrategy.PARK, timeout);
                    flush(out);
                    if (n == 0) {
                        if (count != null) {
                            throw new CommandException("timed out after " + DurationArg.format(timeout)
                                    + " waiting for messages on queue '" + name + "': received " + received[0]
                                    + " of " + count);
                        }
                        break;
                    }
                }
            }
            return ExitCode.OK;
        }

        private static void write(OutputStream out, byte[] message) {
            try {
                out.write(message);
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void flush(OutputStream out) {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** {@code jshm queue stat NAME}. */
    @Command(name = "stat",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = {"Prints a queue's counters; reading them changes nothing.", ""},
            footerHeading = "%nExamples:%n",
            footer = {
                "  jshm queue stat orders",
                "  jshm queue stat orders --json"
            })
    static final class Stat implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "Queue name.")
        private String name;

        @Option(names = "--json", description = "Print one JSON object (the fields of the table, in camelCase).")
        private boolean json;

        @Override
        public Integer call() throws IOException {
            QueueCounters c;
            try (SharedQueue queue = SharedQueue.open(name)) {
                c = queue.counters();
            }
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(new StatJson(
                        name, typeName(c.type()), c.capacity(), c.depth(), c.recordsIn(), c.recordsOut(), c.bytesIn(),
                        c.bytesOut(), c.paddingIn(), c.paddingOut(), c.skipped(), c.lapped(), c.lost(), c.producerPid(), c.consumerPid())));
            } else {
                out.printf(Locale.ROOT, "queue        %s (%s)%n", name, typeName(c.type()));
                out.printf(Locale.ROOT, "capacity     %s%n", ByteSize.format(c.capacity()));
                out.printf(Locale.ROOT, "depth        %s%n", ByteSize.format(c.depth()));
                out.printf(Locale.ROOT, "records in   %d%n", c.recordsIn());
                out.printf(Locale.ROOT, "records out  %d%n", c.recordsOut());
                out.printf(Locale.ROOT, "bytes in     %d%n", c.bytesIn());
                out.printf(Locale.ROOT, "bytes out    %d%n", c.bytesOut());
                if (c.type() == QueueType.SPSC) {
                    out.printf(Locale.ROOT, "padding      %d in, %d out%n", c.paddingIn(), c.paddingOut());
                }
                out.printf(Locale.ROOT, "skipped      %d%n", c.skipped());
                if (c.type() == QueueType.BROADCAST) {
                    out.printf(Locale.ROOT, "lapped       %d%n", c.lapped());
                    out.printf(Locale.ROOT, "lost         %d%n", c.lost());
                }
                out.printf(Locale.ROOT, "producer     %s%n", c.producerPid() == 0 ? "-" : "pid " + c.producerPid());
                out.printf(Locale.ROOT, "consumer     %s%n", c.consumerPid() == 0 ? "-" : "pid " + c.consumerPid());
            }
            return ExitCode.OK;
        }
    }

    /** {@code queue stat --json}: one object. */
    record StatJson(String name, String type, long capacity, long depth, long recordsIn, long recordsOut,
                    long bytesIn, long bytesOut, long paddingIn, long paddingOut, long skipped, long lapped,
                    long lost, long producerPid, long consumerPid) {
    }

    JshmCommand root() {
        return (JshmCommand) spec.parent().userObject();
    }

    static QueueType parseType(CommandSpec spec, String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "spsc" -> QueueType.SPSC;
            case "mpsc" -> QueueType.MPSC;
            case "broadcast" -> QueueType.BROADCAST;
            default -> throw new ParameterException(spec.commandLine(), "invalid queue type '" + text
                    + "': spsc, mpsc or broadcast");
        };
    }

    static String typeName(QueueType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
