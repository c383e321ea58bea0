package io.jshm.queue;

import io.jshm.SharedMemoryOptions;

/**
 * The queues a test may run on: the three types, and MPSC twice, as {@link SharedQueue#create}
 * makes it (every producer in one shared ring, reserving by compare-and-set) and with four lanes
 * (each producer handle in a ring of its own, written as an SPSC ring: decision 63).
 */
enum QueueKind {
    SPSC(QueueType.SPSC),
    MPSC(QueueType.MPSC),
    MPSC_LANES(QueueType.MPSC),
    BROADCAST(QueueType.BROADCAST);

    private final QueueType type;

    QueueKind(QueueType type) {
        this.type = type;
    }

    QueueType type() {
        return type;
    }

    /** {@return whether the first producer handle writes an SPSC ring: SPSC, or MPSC in a lane} */
    boolean spscRing() {
        return this == SPSC || this == MPSC_LANES;
    }

    SharedQueue create(String name, long capacity) {
        return this == MPSC_LANES ? SharedQueue.createMpsc(name, capacity, 4, SharedMemoryOptions.defaults())
                : SharedQueue.create(name, capacity, type);
    }
}
