package io.jshm.cli;

import io.jshm.queue.QueueCounters;

/**
 * Rates of a queue between two snapshots of its counters.
 *
 * @param messagesIn  messages committed per second
 * @param messagesOut messages consumed per second (0 for broadcast, whose consumers count privately)
 * @param bytesIn     bytes of records claimed per second (record headers included, SPSC padding
 *                    not: see {@link QueueCounters#paddingIn()})
 * @param bytesOut    bytes of records consumed per second
 */
record QueueRates(double messagesIn, double messagesOut, double bytesIn, double bytesOut) {

    static final QueueRates NONE = new QueueRates(0, 0, 0, 0);

    static QueueRates between(QueueCounters before, QueueCounters after, long nanos) {
        if (nanos <= 0) {
            return NONE;
        }
        double seconds = nanos / 1e9;
        return new QueueRates((after.recordsIn() - before.recordsIn()) / seconds,
                (after.recordsOut() - before.recordsOut()) / seconds,
                (after.bytesIn() - after.paddingIn() - before.bytesIn() + before.paddingIn()) / seconds,
                (after.bytesOut() - after.paddingOut() - before.bytesOut() + before.paddingOut()) / seconds);
    }

    /** {@return a rate for people: {@code 0}, {@code 950}, {@code 12.3k}, {@code 4.1M}} */
    static String format(double perSecond) {
        if (perSecond < 1000) {
            return String.format(java.util.Locale.ROOT, "%.0f", perSecond);
        }
        if (perSecond < 1e6) {
            return String.format(java.util.Locale.ROOT, "%.1fk", perSecond / 1e3);
        }
        return String.format(java.util.Locale.ROOT, "%.1fM", perSecond / 1e6);
    }
}
