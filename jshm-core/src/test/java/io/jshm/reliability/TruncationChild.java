package io.jshm.reliability;

import io.jshm.SharedMemory;
import io.jshm.sync.Atomics;
import io.jshm.testing.ChildSide;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The child of {@link TruncationTest}: maps a region, runs every kind of access on it many times
 * (so that a JIT compiles them, unless run with {@code -Xint}), prints {@code WARM}, waits for
 * {@code go} (meanwhile the test shrinks the region from another process), then tries each access
 * on a lost page and prints one line per access: {@code FAULT kind <exception>} or
 * {@code NOFAULT kind}. Then it checks that the surviving page and another region still work
 * ({@code ALIVE}).
 *
 * <pre>
 * TruncationChild NAME OTHER_NAME KIND,KIND,...
 * </pre>
 * {@link Kind#PURE_CAS} is a {@code compareAndSet} with no read before it: run by the interpreter on
 * a lost page, it crashes HotSpot (JDK 25), which {@link TruncationTest} shows in a child of its own.
 */
public final class TruncationChild {

    static final long SIZE = 1 << 20;
    static final long LOST = 512 * 1024;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private TruncationChild() {
    }

    /** The accesses tried, by name. */
    enum Kind {
        READ(s -> read(s)),
        WRITE(s -> write(s)),
        VOLATILE_READ(s -> readVolatile(s)),
        CAS(s -> cas(s)),
        PURE_CAS(s -> pureCas(s)),
        ATOMICS_CAS(s -> atomicsCas(s)),
        GET_AND_ADD(s -> getAndAdd(s)),
        COPY_OUT(s -> copyOut(s)),
        COPY_IN(s -> copyIn(s)),
        FILL(s -> fill(s));

        final Consumer<MemorySegment> access;

        Kind(Consumer<MemorySegment> access) {
            this.access = access;
        }
    }

    public static void main(String[] args) throws Exception {
        ChildSide.start(Duration.ofSeconds(120));
        try (SharedMemory shm = SharedMemory.create(args[0], SIZE); SharedMemory other = SharedMemory.create(args[1], 4096)) {
            MemorySegment seg = shm.segment();
            List<Kind> kinds = Arrays.stream(args[2].split(",")).map(Kind::valueOf).toList();
            for (int i = 0; i < 30_000; i++) {
                for (Kind kind : kinds) {
                    kind.access.accept(seg);
                }
            }
            ChildSide.say("WARM");
            ChildSide.command("go");
            for (Kind kind : kinds) {
                try {
                    kind.access.accept(seg);
                    ChildSide.say("NOFAULT " + kind);
                } catch (Throwable e) {
                    ChildSide.say("FAULT " + kind + " " + e.getClass().getName() + ": " + e.getMessage());
                }
            }
            seg.set(ValueLayout.JAVA_LONG, 0, 7);
            other.segment().set(ValueLayout.JAVA_LONG, 0, 8);
            boolean alive = seg.get(ValueLayout.JAVA_LONG, 0) == 7 && other.segment().get(ValueLayout.JAVA_LONG, 0) == 8;
            ChildSide.say(alive ? "ALIVE" : "BROKEN");
        }
    }

    static long sink;

    static void read(MemorySegment s) {
        sink += s.get(ValueLayout.JAVA_LONG, LOST);
    }

    static void write(MemorySegment s) {
        s.set(ValueLayout.JAVA_LONG, LOST + 8, sink);
    }

    static void readVolatile(MemorySegment s) {
        sink += (long) LONG.getVolatile(s, LOST + 16);
    }

    static void cas(MemorySegment s) {
        long v = (long) LONG.getVolatile(s, LOST + 24);
        LONG.compareAndSet(s, LOST + 24, v, v + 1);
    }

    static void pureCas(MemorySegment s) {
        LONG.compareAndSet(s, LOST + 40, 0L, 0L);
    }

    static void atomicsCas(MemorySegment s) {
        Atomics.compareAndSetLong(s, LOST + 48, 0L, 0L);
    }

    static void getAndAdd(MemorySegment s) {
        sink += (long) LONG.getAndAdd(s, LOST + 32, 1L);
    }

    private static final byte[] BUFFER = new byte[8192];

    static void copyOut(MemorySegment s) {
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, LOST + 4096, BUFFER, 0, BUFFER.length);
    }

    static void copyIn(MemorySegment s) {
        MemorySegment.copy(BUFFER, 0, s, ValueLayout.JAVA_BYTE, LOST + 4096, BUFFER.length);
    }

    static void fill(MemorySegment s) {
        s.asSlice(LOST + 16384, 8192).fill((byte) 1);
    }
}
