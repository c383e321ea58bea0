package io.jshm.internal.os;

/**
 * One open handle on a region, as the platform keeps it: a descriptor (or Windows handle) that
 * holds the region alive, and the means to map views of it. Not thread-safe; the public
 * {@code SharedMemory} serialises calls.
 */
public interface NativeRegion {

    /** {@return the region's size in bytes, as read when it was opened} */
    long size();

    /** {@return whether the region is removed when its last handle closes} */
    boolean untilLastClose();

    /** {@return whether this handle was opened for reading only} */
    boolean readOnly();

    /**
     * {@return the region's owner when it is another user than the one this process runs as (such
     * as {@code "nobody (uid 65534)"}), or null when it is this process's user}
     */
    default String foreignOwner() {
        return null;
    }

    /**
     * Maps {@code [offset, offset + length)} of the region. The offset must be a multiple of
     * {@link Platform#mapAlignment()}.
     *
     * @return the address of the mapping
     */
    long map(long offset, long length, boolean populate);

    /** Unmaps what {@link #map} returned. */
    void unmap(long address, long length);

    /**
     * Closes the handle: releases this handle's hold on the region and, when it was the last and
     * the region lives until last close, removes the region.
     */
    void close();
}
