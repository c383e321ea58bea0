package io.jshm.internal;

import io.jshm.JshmException;
import io.jshm.RegionTruncatedException;
import io.jshm.SharedMemory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns the JDK's report of a memory fault into a jshm exception. When a mapped page vanishes (a
 * region shrunk by another process), the access raises {@code SIGBUS}; HotSpot recovers from it in
 * a segment access, in interpreted and compiled code, and throws {@link InternalError} with the
 * message {@value #JDK_MESSAGE}. jshm's own structures catch that where they touch a region and
 * throw {@link RegionTruncatedException} instead.
 */
public final class Faults {
    private Faults() {
    }

    /** The message of HotSpot's {@link InternalError} for a fault in a memory-segment access. */
    public static final String JDK_MESSAGE = "a fault occurred in an unsafe memory access operation";

    /** {@return whether {@code e} is the JDK's report of a fault in a memory access} */
    public static boolean isMemoryFault(Throwable e) {
        return e instanceof InternalError && e.getMessage() != null && e.getMessage().contains("unsafe memory access");
    }

    /**
     * {@return the jshm exception for a memory fault in {@code region}}, to be thrown by the caller
     *
     * @param region      the region's name (or file path), or null when not known (a primitive in a
     *                    caller's segment)
     * @param label       how the exception names the place, when the region is not known
     * @param mappedBytes how many bytes this process mapped
     * @param what        what was being done, such as {@code "queue 'orders': poll"}
     * @throws InternalError {@code e} itself if it is not a memory fault
     */
    public static JshmException truncated(String region, String label, long mappedBytes, String what, InternalError e) {
        if (!isMemoryFault(e)) {
            throw e;
        }
        String message;
        if (region == null) {
            message = what + " failed: the region under " + label + " was truncated by another process while mapped"
                    + " (a lost page faulted, SIGBUS). Close it: its contents cannot be trusted";
        } else {
            long now = currentSize(region);
            message = what + " failed: region '" + region + "' was truncated by another process while mapped ("
                    + mappedBytes + " bytes mapped, " + (now < 0 ? "unknown size" : now + " bytes") + " now); a lost"
                    + " page faulted (SIGBUS). Close it: its contents cannot be trusted";
        }
        JshmException result = new RegionTruncatedException(region == null ? label : region, message, 0);
        result.initCause(e);
        return result;
    }

    /** {@return the region's size now, or -1 if it cannot be told} Observes only. */
    private static long currentSize(String region) {
        try {
            return SharedMemory.info(region).size();
        } catch (RuntimeException notANamedRegion) {
            try {
                return Files.size(Path.of(region));
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
    }
}
