package io.jshm.queue;

/** The three queues, which share one layout and record format and differ in who may produce and consume. */
public enum QueueType {
    /** One producer, one consumer. */
    SPSC(1),
    /** Any number of producers, in any processes; one consumer. */
    MPSC(2),
    /**
     * One producer; any number of consumers that each receive every message. The producer never
     * waits: a consumer that falls a whole buffer behind is lapped and learns exactly how many
     * messages it lost.
     */
    BROADCAST(3);

    private final int code;

    QueueType(int code) {
        this.code = code;
    }

    /** {@return the number stored in the queue header} */
    public int code() {
        return code;
    }

    static QueueType ofCode(int code) {
        for (QueueType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
