package io.jshm.queue;

import io.jshm.SharedMemoryOptions;

/**
 * The queues a test may run on: the three types, and MPSC twice, with its default lanes (each
 * producer handle in a lane of its own, an SPSC ring: decision 63) and with none (every producer
 * in the one shared ring, reserving by compare-and-set).
 */
enum QueueKind {
    SPSC(QueueType.SPSC),
    MPSC(QueueType.MPSC),
    MPSC_SHARED(QueueType.MPSC),
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
        return this == SPSC || this == MPSC;
    }

    SharedQueue create(String name, long capacity) {
        return this == MPSC_SHARED ? SharedQueue.createMpsc(name, capacity, 0, SharedMemoryOptions.defaults())
                : SharedQueue.create(name, capacity, type);
    }

    /** {@return a queue whose producers all share one ring: MPSC without lanes, else as {@link SharedQueue#create}} */
    static SharedQueue oneRing(String name, long capacity, QueueType type) {
        return (type == QueueType.MPSC ? MPSC_SHARED : valueOf(type.name())).create(name, capacity);
    }
}
