package io.jshm.bench;

import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The jshm side of the region costs, run in a child JVM pinned to one core, beside the C
 * program's {@code lifecycle} and {@code copy} and Python's {@code lifecycle.py}, which do the
 * same steps.
 */
final class RegionCosts {
    private RegionCosts() {
    }

    private static final int PAGE = 4096;

    /**
     * For each size: creates, maps, touches (one byte per page), unmaps, closes and unlinks a
     * region of that size, {@code iterations[i]} times after a fifth as many unrecorded ones, and
     * writes one {@link ResultFile#LIFECYCLE} record. With jshm, closing the last handle of a
     * region that lives until last close unmaps, closes and unlinks it. {@code confined}: the
     * handles are {@linkplain SharedMemoryOptions#withConfined confined} to this thread.
     */
    static void lifecycle(String prefix, Path out, boolean confined, long[] sizes, int[] iterations) throws IOException {
        String name = prefix + "-jlife";
        SharedMemoryOptions options = SharedMemoryOptions.defaults().withConfined(confined);
        ResultFile results = new ResultFile();
        for (int s = 0; s < sizes.length; s++) {
            long size = sizes[s];
            int warm = iterations[s] / 5;
            long[] values = new long[1 + iterations[s]];
            values[0] = size;
            for (int i = 0; i < warm + iterations[s]; i++) {
                long t0 = System.nanoTime();
                try (SharedMemory region = SharedMemory.create(name, size, options)) {
                    MemorySegment segment = region.segment();
                    for (long offset = 0; offset < size; offset += PAGE) {
                        segment.set(ValueLayout.JAVA_BYTE, offset, (byte) 1);
                    }
                }
                long t1 = System.nanoTime();
                if (i >= warm) {
                    values[1 + i - warm] = t1 - t0;
                }
            }
            results.add(ResultFile.LIFECYCLE, values);
        }
        results.write(out);
    }

    /**
     * For each size: copies into a region of that size with {@link MemorySegment#copy}, from a
     * heap array and from native memory, for {@code budgetMillis} each (a warm-up of at least
     * a fifth of that and {@link #warmCopies} copies unrecorded, then at least four fifths recorded), and writes {@link ResultFile#COPY} records: ns per sample of
     * {@link #copiesPerSample} copies (at least 4 MiB of copying, so the clock's cost does not count).
     */
    static void copy(String prefix, long budgetMillis, Path out, long[] sizes) throws IOException {
        ResultFile results = new ResultFile();
        for (long size : sizes) {
            try (SharedMemory region = SharedMemory.create(prefix + "-jcopy", size); Arena arena = Arena.ofConfined()) {
                MemorySegment target = region.segment();
                target.fill((byte) 0);
                byte[] heap = new byte[Math.toIntExact(size)];
                java.util.Arrays.fill(heap, (byte) 7);
                MemorySegment heapSource = MemorySegment.ofArray(heap);
                MemorySegment nativeSource = arena.allocate(size, 64).fill((byte) 7);
                results.add(ResultFile.COPY, samples(nativeSource, target, size, 0, budgetMillis));
                results.add(ResultFile.COPY, samples(heapSource, target, size, 1, budgetMillis));
            }
        }
        results.write(out);
    }

    /** {@return how many copies of {@code size} bytes one sample times: 4 MiB worth, at least one} (cfloor.c: the same) */
    static long copiesPerSample(long size) {
        return size >= (4 << 20) ? 1 : (4 << 20) / size;
    }

    /**
     * {@return how many copies of {@code size} bytes the warm-up makes at least: 200,000, or 1 GiB
     * worth when that is fewer (so the JIT has compiled the copy loop even in a short run)}
     */
    static long warmCopies(long size) {
        return Math.max(1, Math.min(200_000, (1L << 30) / size));
    }

    private static long[] samples(MemorySegment source, MemorySegment target, long size, int kind, long budgetMillis) {
        long reps = copiesPerSample(size);
        long[] values = new long[2 + 100_000];
        values[0] = size;
        values[1] = kind;
        int n = 0;
        long warmCopies = warmCopies(size);
        long copies = 0;
        long start = System.nanoTime();
        long warmEnd = start + TimeUnit.MILLISECONDS.toNanos(budgetMillis) / 5;
        long end = start + TimeUnit.MILLISECONDS.toNanos(budgetMillis);
        boolean warm = true;
        while (n < values.length - 2) {
            long t0 = System.nanoTime();
            if (warm && t0 - warmEnd >= 0 && copies >= warmCopies) {
                warm = false;
                end = Math.max(end, t0 + TimeUnit.MILLISECONDS.toNanos(budgetMillis) * 4 / 5);
            }
            if (!warm && t0 - end >= 0 && n >= 3) {
                break;
            }
            for (long r = 0; r < reps; r++) {
                MemorySegment.copy(source, 0, target, 0, size);
            }
            long t1 = System.nanoTime();
            copies += reps;
            if (!warm) {
                values[2 + n++] = t1 - t0; // ns for reps copies
            }
        }
        return java.util.Arrays.copyOf(values, 2 + n);
    }
}
