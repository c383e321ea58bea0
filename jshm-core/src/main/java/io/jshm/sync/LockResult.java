package io.jshm.sync;

/** How an attempt to take a {@link SharedMutex} ended, as Windows' {@code WAIT_OBJECT_0} / {@code WAIT_ABANDONED} / {@code WAIT_TIMEOUT}. */
public enum LockResult {
    /** The lock was free and is now held by the caller. */
    ACQUIRED,
    /**
     * The lock was held by a process that died; it is now held by the caller, who should check
     * and repair what the lock guards, since the dead owner may have left it half-changed.
     */
    OWNER_DIED,
    /** The lock is held by a live owner: the try, or its timeout, ran out. */
    NOT_ACQUIRED;

    /** {@return whether the caller now holds the lock ({@link #ACQUIRED} or {@link #OWNER_DIED})} */
    public boolean acquired() {
        return this != NOT_ACQUIRED;
    }
}
