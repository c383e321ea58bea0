package io.jshm.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jshm.RegionInfo;
import io.jshm.RegionView;
import io.jshm.SharedMemory;
import io.jshm.queue.QueueCounters;
import io.jshm.queue.QueueState;
import io.jshm.queue.QueueType;
import io.jshm.sync.PrimitiveState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jshm info NAME}: everything known of one region, and the live state of what it holds. Observes only. */
@Command(name = "info",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Shows one region: what 'jshm ls' shows, and for a structure jshm recognises (queue, mutex, semaphore,"
                    + " event, seqlock) its decoded header and live counters: a queue's depth, head and tail,"
                    + " messages in and out and their rates, producer and consumer; a mutex's owner and whether"
                    + " that owner is still alive.",
            "",
            "Looking changes nothing: the region is read through a read-only mapping that holds no lock and"
                    + " takes no queue role. Rates are measured over --sample.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jshm info orders",
            "  jshm info orders --json | jq .queue.depth",
            "  jshm info jobs --json | jq '.mutex | {ownerPid, ownerAlive}'",
            "  jshm info orders --sample 2s      rates over two seconds",
            "  jshm info ./frame.bin             a file-backed region"
        })
final class InfoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "Region name, or a file path (contains '/').")
    private String name;

    @Option(names = "--json", description = "Print one JSON object: the fields of 'ls --json', then 'queue' or the"
            + " primitive's kind ('mutex', 'semaphore', 'event', 'seqlock') with its state.")
    private boolean json;

    @Option(names = "--sample", paramLabel = "DURATION", defaultValue = "250ms", converter = DurationArg.Converter.class,
            description = "How long to watch a queue to measure its rates (default: ${DEFAULT-VALUE}; 0 for none).")
    private Duration sample;

    @Override
    public Integer call() throws Exception {
        RegionArg region = new RegionArg(name);
        RegionInfo info = region.isFile() ? SharedMemory.info(region.file()) : SharedMemory.info(name);
        Contents contents = Contents.of(info);
        QueueRates rates = QueueRates.NONE;
        if (contents.queue() != null && !sample.isZero()) {
            long start = System.nanoTime();
            Thread.sleep(sample);
            Contents later = lookAgain(info);
            if (later.queue() != null) {
                rates = QueueRates.between(contents.queue().counters(), later.queue().counters(),
                        System.nanoTime() - start);
                contents = later;
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                    .writeValueAsString(toJson(info, contents, rates)));
        } else {
            printText(out, info, contents, rates);
        }
        return ExitCode.OK;
    }

    private static Contents lookAgain(RegionInfo info) {
        try (RegionView view = Contents.open(info)) {
            return Contents.of(view);
        }
    }

    /** A queue in JSON: its counters, rates per second, and whether its producer and consumer run. */
    @JsonPropertyOrder({"type", "capacity", "maxMessage", "depth", "head", "tail", "recordsIn", "recordsOut",
            "skipped", "lapped", "lost", "messagesInPerSecond", "messagesOutPerSecond", "producerPid", "producerAlive",
            "consumerPid", "consumerAlive", "producersWaiting", "consumersWaiting"})
    record QueueJson(String type, long capacity, int maxMessage, long depth, long head, long tail, long recordsIn,
                     long recordsOut, long skipped, long lapped, long lost, double messagesInPerSecond,
                     double messagesOutPerSecond, long producerPid, boolean producerAlive, long consumerPid,
                     boolean consumerAlive, int producersWaiting, int consumersWaiting) {
        static QueueJson of(QueueState q, QueueRates rates) {
            QueueCounters c = q.counters();
            return new QueueJson(c.type().name().toLowerCase(Locale.ROOT), c.capacity(), q.maxMessageLength(),
                    c.depth(), c.bytesOut(), c.bytesIn(), c.recordsIn(), c.recordsOut(), c.skipped(), c.lapped(),
                    c.lost(), rates.messagesIn(), rates.messagesOut(), c.producerPid(), q.producerAlive(),
                    c.consumerPid(), q.consumerAlive(), q.producersWaiting(), q.consumersWaiting());
        }
    }

    private static Map<String, Object> toJson(RegionInfo info, Contents contents, QueueRates rates) {
        ObjectMapper mapper = new ObjectMapper();
        @SuppressWarnings("unchecked")
        Map<String, Object> object = mapper.convertValue(ListCommand.RegionJson.of(info, contents), LinkedHashMap.class);
        if (contents.problem() != null) {
            object.put("problem", contents.problem());
        }
        if (contents.queue() != null) {
            object.put("queue", QueueJson.of(contents.queue(), rates));
        }
        if (contents.primitive() != null) {
            object.put(contents.primitive().kind(), contents.primitive());
        }
        return object;
    }

    private static void printText(PrintWriter out, RegionInfo info, Contents contents, QueueRates rates) {
        line(out, "name", Table.printable(info.name()));
        line(out, "path", info.path());
        line(out, "size", ByteSize.format(info.size()) + " (" + info.size() + " bytes)");
        line(out, "mode", FileMode.format(info.mode()));
        line(out, "owner", info.owner());
        line(out, "created", Times.full(info.created()));
        line(out, "modified", Times.full(info.modified()));
        line(out, "lifetime", ListCommand.lifetimeName(info.lifetime()));
        line(out, "state", ListCommand.state(info));
        line(out, "processes", ListCommand.processes(info));
        line(out, "holds", contents.kind() + (contents.problem() == null ? "" : " (" + contents.problem() + ")"));
        if (contents.queue() != null) {
            printQueue(out, contents.queue(), rates);
        }
        if (contents.primitive() != null) {
            printPrimitive(out, contents.primitive());
        }
    }

    private static void printQueue(PrintWriter out, QueueState q, QueueRates rates) {
        QueueCounters c = q.counters();
        line(out, "capacity", ByteSize.format(c.capacity()) + " ring, messages up to "
                + ByteSize.format(q.maxMessageLength()));
        line(out, "depth", ByteSize.format(c.depth()) + " (" + c.depth() + " bytes, "
                + String.format(Locale.ROOT, "%.0f%%", 100.0 * Math.min(c.depth(), c.capacity()) / c.capacity()) + ")");
        line(out, "head", Long.toString(c.bytesOut()));
        line(out, "tail", Long.toString(c.bytesIn()));
        line(out, "records in", c.recordsIn() + " (" + QueueRates.format(rates.messagesIn()) + "/s)");
        if (c.type() != QueueType.BROADCAST) {
            line(out, "records out", c.recordsOut() + " (" + QueueRates.format(rates.messagesOut()) + "/s)");
        }
        line(out, "skipped", Long.toString(c.skipped()));
        if (c.type() == QueueType.BROADCAST) {
            line(out, "lapped", Long.toString(c.lapped()));
            line(out, "lost", Long.toString(c.lost()));
        }
        line(out, "producer", party(c.producerPid(), q.producerAlive()) + waiting(q.producersWaiting()));
        line(out, "consumer", party(c.consumerPid(), q.consumerAlive()) + waiting(q.consumersWaiting()));
    }

    private static void printPrimitive(PrintWriter out, PrimitiveState state) {
        switch (state) {
            case PrimitiveState.Mutex m -> {
                line(out, "owner", m.ownerPid() == 0 ? "none (unlocked)"
                        : "pid " + m.ownerPid() + " thread " + m.ownerThread() + (m.ownerAlive() ? " (alive)"
                        : " (dead: the next locker gets OWNER_DIED)"));
                line(out, "waiters", Integer.toString(m.waiters()));
                line(out, "recoveries", Long.toString(m.recoveries()));
            }
            case PrimitiveState.Semaphore s -> {
                line(out, "permits", s.permits() + " of " + s.initial() + " initially");
                line(out, "waiters", Integer.toString(s.waiters()));
            }
            case PrimitiveState.Event e -> {
                line(out, "signalled", e.signalled() ? "yes" : "no");
                line(out, "reset", e.autoReset() ? "auto" : "manual");
                line(out, "waiters", Integer.toString(e.waiters()));
            }
            case PrimitiveState.Seq q -> {
                line(out, "payload", q.payloadSize() + " bytes");
                line(out, "sequence", q.sequence() + ((q.sequence() & 1) != 0 ? " (write under way)" : ""));
                line(out, "writer", q.writerPid() == 0 ? "none yet" : party(q.writerPid(), q.writerAlive()));
            }
        }
    }

    private static String party(long pid, boolean alive) {
        return pid == 0 ? "none" : "pid " + pid + (alive ? " (alive)" : " (dead)");
    }

    private static String waiting(int count) {
        return count == 0 ? "" : ", " + count + " waiting";
    }

    private static void line(PrintWriter out, String label, String value) {
        out.printf(Locale.ROOT, "%-12s %s%n", label, value);
    }
}
