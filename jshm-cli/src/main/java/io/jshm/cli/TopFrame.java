package io.jshm.cli;

import io.jshm.RegionInfo;
import io.jshm.SharedMemory;
import io.jshm.queue.QueueCounters;
import io.jshm.sync.PrimitiveState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One sample of every region for {@code jshm top}, and the frame that compares it with the sample
 * before: queue depth, fill and message rates, and the state of each primitive.
 */
final class TopFrame {

    static final String[] HEADER = {"NAME", "SIZE", "HOLDS", "STATE", "DEPTH", "FILL", "IN/s", "OUT/s", "PROCESSES",
            "DETAIL"};

    /** One region in a sample. */
    record Sample(RegionInfo info, Contents contents) {
    }

    private final Map<String, Sample> samples;
    private final long nanos;
    private final Instant at;

    private TopFrame(Map<String, Sample> samples, long nanos, Instant at) {
        this.samples = samples;
        this.nanos = nanos;
        this.at = at;
    }

    /** {@return a sample of the regions whose names match} Reads only. */
    static TopFrame sample(NamePatterns filter) {
        Map<String, Sample> samples = new HashMap<>();
        for (RegionInfo info : SharedMemory.list()) {
            if (filter.matches(info.name())) {
                samples.put(info.name(), new Sample(info, Contents.of(info)));
            }
        }
        return new TopFrame(samples, System.nanoTime(), Instant.now());
    }

    /** {@return the lines of this frame; rates are against {@code before} (may be null)} */
    List<String> render(TopFrame before, String hint) {
        Table table = new Table(Set.of(1, 4, 5, 6, 7), HEADER);
        int queues = 0;
        for (Sample s : samples.values().stream().sorted((a, b) -> a.info().name().compareTo(b.info().name())).toList()) {
            Contents c = s.contents();
            String depth = "-";
            String fill = "-";
            String in = "-";
            String out = "-";
            String detail = c.problem() == null ? "" : c.problem();
            if (c.queue() != null) {
                queues++;
                QueueCounters q = c.queue().counters();
                depth = ByteSize.format(q.depth());
                fill = String.format(Locale.ROOT, "%.0f%%", 100.0 * Math.min(q.depth(), q.capacity()) / q.capacity());
                Sample old = before == null ? null : before.samples.get(s.info().name());
                QueueRates rates = old == null || old.contents().queue() == null ? QueueRates.NONE
                        : QueueRates.between(old.contents().queue().counters(), q, nanos - before.nanos);
                in = QueueRates.format(rates.messagesIn());
                out = QueueRates.format(rates.messagesOut());
                detail = "in " + q.recordsIn() + " out " + q.recordsOut() + (q.skipped() > 0 ? " skipped "
                        + q.skipped() : "") + (q.lost() > 0 ? " lost " + q.lost() : "");
            } else if (c.primitive() != null) {
                detail = describe(c.primitive());
            }
            table.add(Table.printable(s.info().name()), ByteSize.format(s.info().size()), c.kind(),
                    ListCommand.state(s.info()), depth, fill, in, out, ListCommand.processes(s.info()),
                    detail.isEmpty() ? "-" : shorten(detail));
        }
        List<String> lines = new ArrayList<>();
        lines.add("jshm top  " + Times.full(at) + "  " + samples.size() + " regions, " + queues + " queues"
                + (hint.isEmpty() ? "" : "  " + hint));
        lines.add("");
        lines.addAll(table.lines());
        return lines;
    }

    static String describe(PrimitiveState state) {
        return switch (state) {
            case PrimitiveState.Mutex m -> m.ownerPid() == 0 ? "unlocked"
                    : "owner " + m.ownerPid() + (m.ownerAlive() ? "" : " (dead)") + (m.waiters() > 0 ? " waiters "
                    + m.waiters() : "");
            case PrimitiveState.Semaphore s -> "permits " + s.permits() + "/" + s.initial();
            case PrimitiveState.Event e -> (e.signalled() ? "set" : "reset") + (e.autoReset() ? " auto" : " manual");
            case PrimitiveState.Seq q -> "seq " + q.sequence() + (q.writerPid() == 0 ? "" : " writer " + q.writerPid()
                    + (q.writerAlive() ? "" : " (dead)"));
        };
    }

    /** A problem's text, cut to a readable length. */
    private static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
