package io.jshm.internal.os;

/**
 * A failed system call, or a condition of the platform layer, with the call, the object and the
 * OS reason. The public API translates it into the {@code io.jshm} exception hierarchy; it never
 * escapes to callers.
 */
public final class OsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final String object;
    private final int code;
    private final ErrorKind kind;
    private final String reason;

    /**
     * @param call   the system call or step that failed, such as {@code shm_open}
     * @param object the name or path it worked on
     * @param code   the OS error number, or 0 when the failure is jshm's own finding
     * @param kind   what the failure means
     * @param reason the OS text ({@code ENOENT (2) No such file or directory}) or jshm's own
     */
    public OsException(String call, String object, int code, ErrorKind kind, String reason) {
        super(call == null ? reason + ", name=" + object : call + " failed: " + reason + ", name=" + object);
        this.call = call;
        this.object = object;
        this.code = code;
        this.kind = kind;
        this.reason = reason;
    }

    /** A finding of jshm's own, not a failed system call. */
    public static OsException of(ErrorKind kind, String object, String reason) {
        return new OsException(null, object, 0, kind, reason);
    }

    /** {@return the failed system call, or null for a finding of jshm's own} */
    public String call() {
        return call;
    }

    public String object() {
        return object;
    }

    public int code() {
        return code;
    }

    public ErrorKind kind() {
        return kind;
    }

    public String reason() {
        return reason;
    }
}
