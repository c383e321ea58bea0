package io.jshm;

/**
 * A size, or a region's actual size, is not acceptable: zero, negative, too large, or smaller than asked.
 *
 * @see JshmException
 */
public class InvalidSizeException extends JshmException {
    private static final long serialVersionUID = 1L;

    /**
     * @param region the region name or file path the failure concerns
     * @param message what failed, naming the region, and why
     * @param osError the OS error number, or 0 when the failure is jshm's own finding
     */
    public InvalidSizeException(String region, String message, int osError) {
        super(region, message, osError);
    }
}
