package io.jshm;

/**
 * A region name broke the naming rules; checked before any system call.
 *
 * @see JshmException
 */
public class InvalidNameException extends JshmException {
    private static final long serialVersionUID = 1L;

    /**
     * @param region the region name or file path the failure concerns
     * @param message what failed, naming the region, and why
     * @param osError the OS error number, or 0 when the failure is jshm's own finding
     */
    public InvalidNameException(String region, String message, int osError) {
        super(region, message, osError);
    }
}
