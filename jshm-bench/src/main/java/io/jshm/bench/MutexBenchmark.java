package io.jshm.bench;

import io.jshm.SharedMemory;
import io.jshm.sync.SharedMutex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Uncontended lock + unlock, single thread: jshm's {@link SharedMutex} on a shared region beside
 * {@link ReentrantLock}, the in-process lock Java programmers would otherwise use, in the same
 * run. Run with {@code -prof gc} to see that neither allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1) // JVM options come from Main (Jvm.options())
public class MutexBenchmark {

    private SharedMemory region;
    private SharedMutex mutex;
    private final ReentrantLock lock = new ReentrantLock();

    @Setup
    public void setUp() {
        region = SharedMemory.create("bench-mutex-" + ProcessHandle.current().pid(), 4096);
        mutex = SharedMutex.initialize(region.segment(), 0);
    }

    @TearDown
    public void tearDown() {
        region.close();
    }

    @Benchmark
    public void sharedMutex() throws InterruptedException {
        mutex.lock();
        mutex.unlock();
    }

    @Benchmark
    public void sharedMutexTryLock() {
        mutex.tryLock();
        mutex.unlock();
    }

    @Benchmark
    public void reentrantLock() {
        lock.lock();
        lock.unlock();
    }
}
