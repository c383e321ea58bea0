package io.jshm;

/**
 * The caller's user lacks the permission the operation needs (mode, owner, or a read-only handle).
 *
 * @see JshmException
 */
public class PermissionDeniedException extends JshmException {
    private static final long serialVersionUID = 1L;

    /**
     * @param region the region name or file path the failure concerns
     * @param message what failed, naming the region, and why
     * @param osError the OS error number, or 0 when the failure is jshm's own finding
     */
    public PermissionDeniedException(String region, String message, int osError) {
        super(region, message, osError);
    }
}
