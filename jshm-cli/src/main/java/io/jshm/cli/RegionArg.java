package io.jshm.cli;

import io.jshm.Access;
import io.jshm.SharedMemory;

import java.nio.file.Path;

/**
 * A NAME argument: a region name, or, when it contains a {@code '/'}, the path of a file-backed
 * region ({@code ./frame.bin}, {@code /var/tmp/frame.bin}). Region names cannot contain
 * {@code '/'}, so the two never collide.
 *
 * @param text the argument as given
 */
record RegionArg(String text) {

    /** {@return whether the argument names a file rather than a region} */
    boolean isFile() {
        return text.indexOf('/') >= 0;
    }

    /** {@return the file's path; only for {@link #isFile()}} */
    Path file() {
        return Path.of(text);
    }

    /** {@return the region opened with {@code access}}, by name or as a file */
    SharedMemory open(Access access) {
        return isFile() ? SharedMemory.open(file(), access) : SharedMemory.open(text, access);
    }

    /**
     * @throws CommandException if {@code offset} is past the end of a region of {@code size} bytes
     */
    void checkOffset(long offset, long size) {
        if (offset > size) {
            throw new CommandException("offset " + offset + " is past the end of " + describe() + " (" + size
                    + " bytes)");
        }
    }

    /**
     * {@return how many bytes {@code [offset, offset + length)} covers; a null length means up to the end}
     *
     * @throws CommandException if the range does not lie inside a region of {@code size} bytes
     */
    long checkRange(long offset, Long length, long size) {
        checkOffset(offset, size);
        long count = length == null ? size - offset : length;
        if (count > size - offset) {
            throw new CommandException("range [" + offset + ", " + offset + " + " + count + ") is outside "
                    + describe() + " of " + size + " bytes");
        }
        return count;
    }

    /** {@return how messages name it: {@code region 'x'} or {@code file region '/p'}} */
    String describe() {
        return (isFile() ? "file region '" : "region '") + text + "'";
    }
}
