package io.jshm;

/**
 * Waiting on another process (a creator that has not finished, a lock) ran past its timeout.
 *
 * @see JshmException
 */
public class RegionTimeoutException extends JshmException {
    private static final long serialVersionUID = 1L;

    /**
     * @param region the region name or file path the failure concerns
     * @param message what failed, naming the region, and why
     * @param osError the OS error number, or 0 when the failure is jshm's own finding
     */
    public RegionTimeoutException(String region, String message, int osError) {
        super(region, message, osError);
    }
}
