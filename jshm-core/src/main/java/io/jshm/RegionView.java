package io.jshm;

import io.jshm.internal.os.OsException;
import io.jshm.internal.os.Platform;
import io.jshm.internal.os.Target;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A read-only look at a region that takes no part in its lifetime: the observer's handle, as
 * Aeron's {@code AeronStat} maps its counters file without disturbing the media driver.
 *
 * <p>A {@link SharedMemory} handle, even a read-only one, holds the region (it keeps a region
 * that lives until last close alive, and its close may be the last one, which removes the
 * region). A {@code RegionView} holds nothing: the region may be removed, or found stale and
 * removed by its next opener, while the view is open, and closing the view never removes
 * anything. Opening one never removes a stale region either. Tools that only look (listings,
 * {@code jshm info}, {@code jshm top}) use it so that looking changes nothing.
 *
 * {@snippet :
 * try (RegionView view = RegionView.open("orders")) {
 *     long first = view.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
 * }
 * }
 *
 * <h2>Assumptions and guarantees</h2>
 * <ul>
 *   <li>The segment is read-only ({@link MemorySegment#isReadOnly()}); writes throw
 *       {@link IllegalArgumentException}, as for every read-only segment. It shows the
 *       region's live bytes, as every other mapping does: values may change between two reads. Use acquire loads where the
 *       structure's writer pairs them with release stores.</li>
 *   <li>Its size is the region's size when the view was opened. A peer that truncates the
 *       region afterwards makes access past the new end fault, as with any mapping; regions are
 *       never resized by jshm (they keep the size they were created with).</li>
 *   <li>A view may be used from any thread; {@link #close()} must not race with reads (the
 *       segment's shared arena then throws {@link IllegalStateException} to late readers).</li>
 *   <li>Platforms without a lock-free read-only mapping throw {@link JshmException} from
 *       {@code open}.</li>
 * </ul>
 */
public final class RegionView implements AutoCloseable {

    private final String name;
    private final Arena arena;
    private final MemorySegment segment;

    private RegionView(String name, Target target) {
        this.name = name;
        this.arena = Arena.ofShared();
        try {
            this.segment = Platform.current().observe(target, arena).asReadOnly();
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Maps the named region read-only, holding nothing.
     *
     * @throws InvalidNameException       if the name breaks the naming rules
     * @throws NoSuchRegionException      if there is no such region
     * @throws PermissionDeniedException  if this user may not read it
     * @throws JshmException              for any other failure, with the OS reason
     */
    public static RegionView open(String name) {
        Names.validate(name, Platform.current().maxNameLength());
        return observe(name, new Target.Named(name));
    }

    /**
     * Maps a file-backed region read-only, holding nothing.
     *
     * @throws NoSuchRegionException      if there is no such file
     * @throws PermissionDeniedException  if this user may not read it
     * @throws JshmException              for any other failure, with the OS reason
     */
    public static RegionView open(Path file) {
        return observe(file.toString(), new Target.File(file));
    }

    private static RegionView observe(String name, Target target) {
        try {
            return new RegionView(name, target);
        } catch (OsException e) {
            throw Errors.translate("cannot look at region", name, e);
        }
    }

    /** {@return the region's name (or file path) as given to {@code open}} */
    public String name() {
        return name;
    }

    /** {@return the region's size in bytes when the view was opened} */
    public long size() {
        return segment.byteSize();
    }

    /**
     * {@return the whole region, read-only}
     *
     * @throws IllegalStateException if the view is closed
     */
    public MemorySegment segment() {
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("region view of " + Names.printable(name) + " is closed");
        }
        return segment;
    }

    /** Unmaps the view; the region itself is untouched. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "RegionView[" + name + ", " + segment.byteSize() + " bytes]";
    }
}
