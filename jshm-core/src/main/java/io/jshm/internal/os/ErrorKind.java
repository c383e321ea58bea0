package io.jshm.internal.os;

/**
 * What an operating-system failure means to jshm, independent of the platform's error codes.
 * The public API turns each kind into one exception class.
 */
public enum ErrorKind {
    /** The named object does not exist (or existed only as a stale leftover). */
    NOT_FOUND,
    /** An object of that name already exists. */
    ALREADY_EXISTS,
    /** The caller lacks the permission the operation needs. */
    PERMISSION_DENIED,
    /** The file system or the address space has no room. */
    NO_SPACE,
    /** The size is not acceptable to the platform. */
    INVALID_SIZE,
    /** The name is not acceptable to the platform. */
    INVALID_NAME,
    /** The object is not what it should be (half-made, foreign layout, wrong type). */
    CORRUPT,
    /** Waiting for another process ran out of time. */
    TIMED_OUT,
    /** Anything else. */
    OTHER
}
