package io.jshm.internal.os;

/**
 * Win32 error codes ({@code GetLastError}) that jshm tells apart, their symbolic names, and their
 * meaning to jshm: the Windows counterpart of {@link Errno}.
 */
final class WinError {
    private WinError() {
    }

    static final int ERROR_FILE_NOT_FOUND = 2;
    static final int ERROR_PATH_NOT_FOUND = 3;
    static final int ERROR_ACCESS_DENIED = 5;
    static final int ERROR_INVALID_HANDLE = 6;
    static final int ERROR_NOT_ENOUGH_MEMORY = 8;
    static final int ERROR_OUTOFMEMORY = 14;
    static final int ERROR_FILE_EXISTS = 80;
    static final int ERROR_INVALID_PARAMETER = 87;
    static final int ERROR_DISK_FULL = 112;
    static final int ERROR_INVALID_NAME = 123;
    static final int ERROR_BAD_PATHNAME = 161;
    static final int ERROR_ALREADY_EXISTS = 183;
    static final int ERROR_FILENAME_EXCED_RANGE = 206;
    static final int ERROR_TOO_MANY_POSTS = 298;
    static final int ERROR_FILE_INVALID = 1006;
    static final int ERROR_MAPPED_ALIGNMENT = 1132;
    static final int ERROR_PRIVILEGE_NOT_HELD = 1314;
    static final int ERROR_COMMITMENT_LIMIT = 1455;

    /** {@return what a code means to jshm} */
    static ErrorKind kind(int code) {
        return switch (code) {
            case ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND -> ErrorKind.NOT_FOUND;
            case ERROR_ALREADY_EXISTS, ERROR_FILE_EXISTS -> ErrorKind.ALREADY_EXISTS;
            case ERROR_ACCESS_DENIED, ERROR_PRIVILEGE_NOT_HELD -> ErrorKind.PERMISSION_DENIED;
            case ERROR_INVALID_NAME, ERROR_BAD_PATHNAME, ERROR_FILENAME_EXCED_RANGE -> ErrorKind.INVALID_NAME;
            case ERROR_NOT_ENOUGH_MEMORY, ERROR_OUTOFMEMORY, ERROR_DISK_FULL, ERROR_COMMITMENT_LIMIT -> ErrorKind.NO_SPACE;
            case ERROR_FILE_INVALID -> ErrorKind.INVALID_SIZE;
            case ERROR_INVALID_HANDLE -> ErrorKind.CORRUPT; // the name belongs to another kind of object
            default -> ErrorKind.OTHER;
        };
    }

    /** {@return the symbolic name of a code, such as {@code ERROR_FILE_NOT_FOUND}} */
    static String name(int code) {
        return switch (code) {
            case ERROR_FILE_NOT_FOUND -> "ERROR_FILE_NOT_FOUND";
            case ERROR_PATH_NOT_FOUND -> "ERROR_PATH_NOT_FOUND";
            case ERROR_ACCESS_DENIED -> "ERROR_ACCESS_DENIED";
            case ERROR_INVALID_HANDLE -> "ERROR_INVALID_HANDLE";
            case ERROR_NOT_ENOUGH_MEMORY -> "ERROR_NOT_ENOUGH_MEMORY";
            case ERROR_OUTOFMEMORY -> "ERROR_OUTOFMEMORY";
            case ERROR_FILE_EXISTS -> "ERROR_FILE_EXISTS";
            case ERROR_INVALID_PARAMETER -> "ERROR_INVALID_PARAMETER";
            case ERROR_DISK_FULL -> "ERROR_DISK_FULL";
            case ERROR_INVALID_NAME -> "ERROR_INVALID_NAME";
            case ERROR_BAD_PATHNAME -> "ERROR_BAD_PATHNAME";
            case ERROR_ALREADY_EXISTS -> "ERROR_ALREADY_EXISTS";
            case ERROR_FILENAME_EXCED_RANGE -> "ERROR_FILENAME_EXCED_RANGE";
            case ERROR_TOO_MANY_POSTS -> "ERROR_TOO_MANY_POSTS";
            case ERROR_FILE_INVALID -> "ERROR_FILE_INVALID";
            case ERROR_MAPPED_ALIGNMENT -> "ERROR_MAPPED_ALIGNMENT";
            case ERROR_PRIVILEGE_NOT_HELD -> "ERROR_PRIVILEGE_NOT_HELD";
            case ERROR_COMMITMENT_LIMIT -> "ERROR_COMMITMENT_LIMIT";
            default -> "ERROR_" + code;
        };
    }

    /**
     * {@return the full OS reason, as {@link Errno#describe} gives it on Linux:
     * {@code ERROR_FILE_NOT_FOUND (2) The system cannot find the file specified.}}
     */
    static String describe(int code, Win32 win32) {
        String text = win32.formatMessage(code);
        return name(code) + " (" + code + ")" + (text == null || text.isEmpty() ? "" : " " + text);
    }
}
