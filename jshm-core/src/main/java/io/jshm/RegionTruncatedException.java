package io.jshm;

/**
 * Memory of a region vanished under this process: another process shrank the region
 * ({@code ftruncate}) while this one had it mapped, and an access by jshm's own code (a queue, a
 * synchronization primitive) touched a page that no longer exists. The access did not happen;
 * the JVM and every other region are unaffected, but this region's structure cannot be trusted
 * any more: close it.
 *
 * <p>Raw segments from {@link SharedMemory#segment()} and {@link SharedMemory#map} report the same
 * fault with the JDK's own {@link InternalError}; see {@link SharedMemory}.
 *
 * @see JshmException
 */
public class RegionTruncatedException extends CorruptRegionException {
    private static final long serialVersionUID = 1L;

    /**
     * @param region  the region name or file path the failure concerns
     * @param message what failed, naming the region, and why
     * @param osError the OS error number, or 0 when the failure is jshm's own finding
     */
    public RegionTruncatedException(String region, String message, int osError) {
        super(region, message, osError);
    }
}
