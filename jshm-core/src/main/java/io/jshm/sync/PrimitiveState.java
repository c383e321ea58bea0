package io.jshm.sync;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * What an observer sees of a synchronization primitive in shared memory, decoded from its bytes
 * (see {@code docs/layout.md}) without taking part in it: {@link #inspect} only reads. Used by
 * {@code jshm ls}, {@code info} and {@code top} to say what a region holds.
 *
 * {@snippet :
 * try (RegionView view = RegionView.open("jobs")) {
 *     if (PrimitiveState.inspect(view.segment(), 0).orElse(null) instanceof PrimitiveState.Mutex m
 *             && m.ownerPid() != 0 && !m.ownerAlive()) {
 *         System.out.println("its owner " + m.ownerPid() + " died holding it");
 *     }
 * }
 * }
 *
 * <h2>Assumptions and guarantees</h2>
 * <ul>
 *   <li>A snapshot: each field is read once (acquire loads), so the fields of one state may
 *       come from slightly different instants while others use the primitive.</li>
 *   <li>Never writes, locks or waits; safe on a read-only segment and on any bytes at all
 *       (unknown bytes give an empty result, never an exception).</li>
 *   <li>Liveness of a recorded process uses the same pid and start-time test as
 *       {@link SharedMutex}, so a reused pid is not taken for the owner.</li>
 * </ul>
 */
public sealed interface PrimitiveState {

    /** {@return the kind's name as {@code docs/layout.md} writes it: mutex, semaphore, event, seqlock} */
    String kind();

    /**
     * A {@link SharedMutex}.
     *
     * @param ownerPid    the owning process, 0 when unlocked
     * @param ownerThread the owning thread's token (low 32 bits of its Java thread id), 0 when unlocked
     * @param ownerAlive  whether the owner still runs (false when unlocked)
     * @param waiters     threads sleeping or about to sleep on it
     * @param recoveries  times the lock was taken from a dead owner
     */
    record Mutex(long ownerPid, long ownerThread, boolean ownerAlive, int waiters, long recoveries)
            implements PrimitiveState {
        @Override
        public String kind() {
            return "mutex";
        }
    }

    /**
     * A {@link SharedSemaphore}.
     *
     * @param permits  permits available now
     * @param initial  permits it was created with
     * @param waiters  threads waiting for a permit
     */
    record Semaphore(int permits, int initial, int waiters) implements PrimitiveState {
        @Override
        public String kind() {
            return "semaphore";
        }
    }

    /**
     * A {@link SharedEvent}.
     *
     * @param signalled whether it is set
     * @param autoReset whether each signal lets one waiter through (else manual reset)
     * @param waiters   threads waiting for it
     */
    record Event(boolean signalled, boolean autoReset, int waiters) implements PrimitiveState {
        @Override
        public String kind() {
            return "event";
        }
    }

    /**
     * A {@link SeqLock}.
     *
     * @param payloadSize bytes of its payload
     * @param sequence    its sequence: even when stable, odd while a write is under way
     * @param writerPid   the last writer's process, 0 if none wrote yet
     * @param writerAlive whether that writer still runs
     */
    record Seq(int payloadSize, long sequence, long writerPid, boolean writerAlive) implements PrimitiveState {
        @Override
        public String kind() {
            return "seqlock";
        }
    }

    /**
     * Decodes the primitive at {@code offset} of {@code segment}, if its header is one this jshm
     * knows (magic, version and kind; see {@code docs/layout.md}).
     *
     * @return the state, or empty if the bytes there are no primitive (or do not fit)
     */
    static Optional<PrimitiveState> inspect(MemorySegment segment, long offset) {
        return PrimitiveDecoder.decode(segment, offset);
    }
}
