package io.jshm;

/**
 * The named region (or file) does not exist, or existed only as a stale leftover of processes that all exited.
 *
 * @see JshmException
 */
public class NoSuchRegionException extends JshmException {
    private static final long serialVersionUID = 1L;

    /**
     * @param region the region name or file path the failure concerns
     * @param message what failed, naming the region, and why
     * @param osError the OS error number, or 0 when the failure is jshm's own finding
     */
    public NoSuchRegionException(String region, String message, int osError) {
        super(region, message, osError);
    }
}
