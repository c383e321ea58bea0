package io.jshm;

/** How a handle may use a region, as {@code FILE_MAP_ALL_ACCESS} / {@code FILE_MAP_READ} on Windows. */
public enum Access {
    /** Read and write. */
    READ_WRITE,
    /**
     * Read only: the region is mapped without write permission and its segments are
     * {@linkplain java.lang.foreign.MemorySegment#isReadOnly() read-only}, so a write throws
     * {@link IllegalArgumentException} and never reaches memory. Needs only read permission.
     */
    READ_ONLY
}
