package io.jshm;

import io.jshm.internal.os.OsException;

/** Turns the platform's {@link OsException} into the public exception hierarchy. */
final class Errors {
    private Errors() {
    }

    /**
     * @param what  what was being done, such as {@code "cannot open region"}
     * @param region the region name or path
     */
    static JshmException translate(String what, String region, OsException e) {
        String message = what + " " + Names.printable(region) + ": " + detail(e);
        int code = e.code();
        JshmException result = switch (e.kind()) {
            case NOT_FOUND -> new NoSuchRegionException(region, message, code);
            case ALREADY_EXISTS -> new RegionExistsException(region, message, code);
            case PERMISSION_DENIED -> new PermissionDeniedException(region, message, code);
            case NO_SPACE -> new NoSpaceException(region, message, code);
            case INVALID_SIZE -> new InvalidSizeException(region, message, code);
            case INVALID_NAME -> new InvalidNameException(region, message, code);
            case CORRUPT -> new CorruptRegionException(region, message, code);
            case TIMED_OUT -> new RegionTimeoutException(region, message, code);
            case OTHER -> new JshmException(region, message, code);
        };
        result.initCause(e);
        return result;
    }

    private static String detail(OsException e) {
        return e.call() == null ? e.reason() : e.call() + " failed: " + e.reason();
    }
}
