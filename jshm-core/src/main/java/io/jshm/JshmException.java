package io.jshm;

/**
 * The root of every failure jshm reports. Each message says what failed, which region, and the
 * OS reason where there is one, for example:
 * {@snippet lang=text :
 * cannot open region 'orders': shm_open failed: ENOENT (2) No such file or directory
 * }
 *
 * <p>The subclasses tell the common cases apart ({@link NoSuchRegionException},
 * {@link RegionExistsException}, {@link PermissionDeniedException}, {@link InvalidNameException},
 * {@link InvalidSizeException}, {@link NoSpaceException}, {@link CorruptRegionException},
 * {@link RegionTimeoutException}). jshm exceptions are unchecked, like those of
 * {@code java.lang.foreign}: most callers cannot recover from them at the call site.
 *
 * <p>Misuse of the API is reported with the JDK's own exceptions, as {@code java.lang.foreign}
 * does: {@link IllegalStateException} for use after close, {@link IndexOutOfBoundsException} for
 * offsets outside a region, {@link IllegalArgumentException} for bad arguments and for writes
 * through a read-only view.
 */
public class JshmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String region;
    private final int osError;

    /**
     * @param region  the region name or file path the failure concerns
     * @param message what failed, naming the region, and why
     * @param osError the OS error number ({@code errno}, or {@code GetLastError} on Windows), or 0
     */
    public JshmException(String region, String message, int osError) {
        super(message);
        this.region = region;
        this.osError = osError;
    }

    /** {@return the region name or file path the failure concerns} */
    public String region() {
        return region;
    }

    /** {@return the OS error number behind the failure, or 0 if the OS reported none} */
    public int osError() {
        return osError;
    }
}
