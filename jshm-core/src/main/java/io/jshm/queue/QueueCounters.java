package io.jshm.queue;

/**
 * A snapshot of a queue's counters, read from the shared header without disturbing producers or
 * consumers (observers never write).
 *
 * <p>An MPSC queue's counters are the sums over its own ring and its lanes
 * ({@link SharedQueue#createMpsc}).
 *
 * @param type        the queue type
 * @param capacity    bytes of the ring (MPSC: of each ring)
 * @param depth       bytes committed or claimed but not yet consumed (SPSC and MPSC lanes:
 *                    padding not included; broadcast: bytes the producer has written in total,
 *                    bounded by the capacity)
 * @param recordsIn   messages committed by producers (MPSC: records out plus the committed
 *                    messages not yet taken, counted where read, since MPSC producers keep no
 *                    shared count; so a message counted twice in records out counts twice here)
 * @param recordsOut  messages handed to the consumer (SPSC, MPSC); 0 for broadcast, whose
 *                    consumers count for themselves. A consumer killed just after it counted a
 *                    message, before it moved past it, leaves that message to its successor,
 *                    which hands it over and counts it again
 * @param bytesIn     bytes claimed by producers since creation, headers and padding included
 * @param bytesOut    bytes consumed since creation, headers and padding included
 * @param paddingIn   SPSC and MPSC lanes: of {@code bytesIn}, the bytes that are padding or
 *                    aborted records, not messages (with {@linkplain SharedQueue#setShortLap short
 *                    laps} on, this may be most of them); an MPSC queue's own ring and broadcast
 *                    producers do not count it
 * @param paddingOut  SPSC and MPSC lanes: of {@code bytesOut}, the bytes that were padding or
 *                    aborted records
 * @param skipped     records the consumer skipped because their producer died before committing
 * @param lapped      times broadcast consumers were lapped by the producer
 * @param lost        messages broadcast consumers lost to being lapped
 * @param producerPid pid of the registered producer (SPSC, broadcast), or 0
 * @param consumerPid pid of the registered consumer (SPSC, MPSC), or 0
 */
public record QueueCounters(QueueType type, long capacity, long depth, long recordsIn, long recordsOut,
                            long bytesIn, long bytesOut, long paddingIn, long paddingOut, long skipped, long lapped,
                            long lost, long producerPid, long consumerPid) {
}
