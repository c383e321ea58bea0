package io.jshm.bench;

import io.jshm.SharedMemory;
import io.jshm.sync.Atomics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * Typed get/set and atomics on a shared region, one thread: the hot paths of code that works on
 * a region directly. {@code target=region} is a jshm region in {@code /dev/shm};
 * {@code target=native} the same operations on private native memory from an {@link Arena}, the
 * baseline measured in the same run (a region's segment should cost nothing more). Run with
 * {@code -prof gc}: none allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1) // JVM options come from Main (Jvm.options())
public class RegionBenchmark {

    @Param({"region", "native"})
    String target;

    private SharedMemory region;
    private Arena arena;
    private MemorySegment segment;
    private long index;

    @Setup
    public void setUp() {
        if (target.equals("region")) {
            region = SharedMemory.create("bench-region-" + ProcessHandle.current().pid(), 4096);
            segment = region.segment();
        } else {
            arena = Arena.ofShared();
            segment = arena.allocate(4096, 64);
        }
    }

    @TearDown
    public void tearDown() {
        if (region != null) {
            region.close();
        }
        if (arena != null) {
            arena.close();
        }
    }

    /** An offset that moves over the first 2 KiB, 8-byte aligned, so the JIT cannot fold the access. */
    private long next() {
        index = (index + 8) & 2047;
        return index;
    }

    @Benchmark
    public long getSetLong() {
        long at = next();
        long v = segment.get(ValueLayout.JAVA_LONG, at);
        segment.set(ValueLayout.JAVA_LONG, at, v + 1);
        return v;
    }

    @Benchmark
    public int getSetInt() {
        long at = next();
        int v = segment.get(ValueLayout.JAVA_INT, at);
        segment.set(ValueLayout.JAVA_INT, at, v + 1);
        return v;
    }

    @Benchmark
    public double getSetDouble() {
        long at = next();
        double v = segment.get(ValueLayout.JAVA_DOUBLE, at);
        segment.set(ValueLayout.JAVA_DOUBLE, at, v + 1);
        return v;
    }

    @Benchmark
    public long acquireRelease() {
        long at = next();
        long v = Atomics.getLongAcquire(segment, at);
        Atomics.setLongRelease(segment, at, v + 1);
        return v;
    }

    @Benchmark
    public boolean compareAndSet() {
        long at = next();
        long v = Atomics.getLong(segment, at);
        return Atomics.compareAndSetLong(segment, at, v, v + 1);
    }

    @Benchmark
    public long getAndAdd() {
        return Atomics.getAndAddLong(segment, next(), 1);
    }
}
