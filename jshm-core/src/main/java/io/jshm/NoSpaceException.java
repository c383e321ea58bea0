package io.jshm;

/**
 * The file system that holds regions has no room for one of the size asked; reported at create, never as a later fault.
 *
 * @see JshmException
 */
public class NoSpaceException extends JshmException {
    private static final long serialVersionUID = 1L;

    /**
     * @param region the region name or file path the failure concerns
     * @param message what failed, naming the region, and why
     * @param osError the OS error number, or 0 when the failure is jshm's own finding
     */
    public NoSpaceException(String region, String message, int osError) {
        super(region, message, osError);
    }
}
