package io.jshm;

/**
 * A region of that name already exists and is in use (a stale leftover does not count).
 *
 * @see JshmException
 */
public class RegionExistsException extends JshmException {
    private static final long serialVersionUID = 1L;

    /**
     * @param region the region name or file path the failure concerns
     * @param message what failed, naming the region, and why
     * @param osError the OS error number, or 0 when the failure is jshm's own finding
     */
    public RegionExistsException(String region, String message, int osError) {
        super(region, message, osError);
    }
}
