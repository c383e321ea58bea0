package io.jshm.internal.os;

/** Linux error numbers jshm tells apart, their symbolic names, and their meaning to jshm. */
final class Errno {
    private Errno() {
    }

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EWOULDBLOCK = EAGAIN;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    static final int EFBIG = 27;
    static final int ENOSPC = 28;
    static final int EROFS = 30;
    static final int ENAMETOOLONG = 36;
    static final int ELOOP = 40;
    static final int EOVERFLOW = 75;
    static final int EOPNOTSUPP = 95;
    static final int ETIMEDOUT = 110;
    static final int EDQUOT = 122;

    /** {@return the symbolic name of an error number, such as {@code ENOENT}} */
    static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case EISDIR -> "EISDIR";
            case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case EFBIG -> "EFBIG";
            case ENOSPC -> "ENOSPC";
            case EROFS -> "EROFS";
            case ENAMETOOLONG -> "ENAMETOOLONG";
            case ELOOP -> "ELOOP";
            case EOVERFLOW -> "EOVERFLOW";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case ETIMEDOUT -> "ETIMEDOUT";
            case EDQUOT -> "EDQUOT";
            default -> "E" + errno;
        };
    }

    /** {@return the full OS reason: {@code ENOENT (2) No such file or directory}} */
    static String describe(int errno) {
        return name(errno) + " (" + errno + ") " + LibC.strerror(errno);
    }

    static ErrorKind kind(int errno) {
        return switch (errno) {
            case ENOENT -> ErrorKind.NOT_FOUND;
            case EEXIST -> ErrorKind.ALREADY_EXISTS;
            case EACCES, EPERM, EROFS -> ErrorKind.PERMISSION_DENIED;
            case ENOSPC, ENOMEM, EDQUOT -> ErrorKind.NO_SPACE;
            case EFBIG, EOVERFLOW -> ErrorKind.INVALID_SIZE;
            case ENAMETOOLONG -> ErrorKind.INVALID_NAME;
            default -> ErrorKind.OTHER;
        };
    }
}
