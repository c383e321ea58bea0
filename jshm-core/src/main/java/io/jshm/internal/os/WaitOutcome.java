package io.jshm.internal.os;

/** How a wait on a shared word ended. */
public enum WaitOutcome {
    /** A wake call woke it (or a spurious wake-up: callers re-check their condition). */
    WOKEN,
    /** The timeout passed. */
    TIMED_OUT,
    /** The word no longer held the expected value when the wait began. */
    VALUE_CHANGED,
    /** A signal interrupted the wait. */
    INTERRUPTED
}
