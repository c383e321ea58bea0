package io.jshm;

/**
 * A region is not what it should be: half-made by a creator that died, not a regular object, or a header that is foreign or corrupt.
 *
 * @see JshmException
 */
public class CorruptRegionException extends JshmException {
    private static final long serialVersionUID = 1L;

    /**
     * @param region the region name or file path the failure concerns
     * @param message what failed, naming the region, and why
     * @param osError the OS error number, or 0 when the failure is jshm's own finding
     */
    public CorruptRegionException(String region, String message, int osError) {
        super(region, message, osError);
    }
}
