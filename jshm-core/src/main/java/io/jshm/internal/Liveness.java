package io.jshm.internal;

import io.jshm.internal.os.Platform;

/**
 * Whether the process recorded in a shared structure is still running: by pid and process start
 * time, so that a pid reused by a new process is not taken for the old one.
 */
public final class Liveness {
    private Liveness() {
    }

    private static final Platform PLATFORM = Platform.current();

    /** This process's id. */
    public static final long MY_PID = PLATFORM.currentPid();
    /** This process's start time, as {@link Platform#processStartTime(long)} reports it. */
    public static final long MY_START = PLATFORM.processStartTime(MY_PID);

    /**
     * {@return true if process {@code pid} has exited} A {@code recordedStart} of 0 means "not
     * known": then only a missing pid counts as dead. This process is never dead.
     */
    public static boolean isDead(long pid, long recordedStart) {
        if (pid == MY_PID) {
            return false;
        }
        long actual = PLATFORM.processStartTime(pid);
        return actual == 0 || (recordedStart != 0 && recordedStart != actual);
    }
}
