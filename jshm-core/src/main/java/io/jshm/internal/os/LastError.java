package io.jshm.internal.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The one seam through which the Windows backend learns a failed call's {@code GetLastError}
 * value. Every error-reporting downcall of {@link Win32} takes a leading state segment, whatever the
 * seam: {@link #adapt} makes the handle fit, {@link #read} reads the code after the call.
 *
 * <p>On Windows the JVM may itself make Win32 calls between a downcall and a later
 * {@code GetLastError} call, so production captures the value as part of the downcall
 * ({@link #captured()}). The JDK's Windows x64 linker, used on Linux by the tests, can capture only
 * the host's {@code errno}; there {@link #called} calls the test library's own
 * {@code GetLastError} right after the call, which is exact because nothing else calls into that
 * library on the same thread in between.
 */
sealed interface LastError {

    /** {@return the linker options an error-reporting downcall needs} */
    Linker.Option[] options();

    /** {@return the downcall, made to take a leading state segment if it does not already} */
    MethodHandle adapt(MethodHandle downcall);

    /** {@return a state segment for one call} */
    MemorySegment allocate(Arena arena);

    /** {@return the last-error code of the call that just used {@code state} on this thread} */
    int read(MemorySegment state);

    /** The production seam: {@code captureCallState("GetLastError")}. */
    static LastError captured() {
        return new Captured();
    }

    /** The test seam: a {@code GetLastError} downcall, found in {@code lookup}, made right after each call. */
    static LastError called(Linker linker, SymbolLookup lookup) {
        MemorySegment symbol = lookup.find("GetLastError")
                .orElseThrow(() -> new UnsatisfiedLinkError("Win32 function not found: GetLastError"));
        return new Called(linker.downcallHandle(symbol, FunctionDescriptor.of(JAVA_INT)));
    }

    /** Captured by the linker into the call-state segment. */
    final class Captured implements LastError {
        private final Linker.Option capture = Linker.Option.captureCallState("GetLastError");
        private final StructLayout layout = Linker.Option.captureStateLayout();
        private final VarHandle code = layout.varHandle(MemoryLayout.PathElement.groupElement("GetLastError"));

        @Override
        public Linker.Option[] options() {
            return new Linker.Option[] {capture};
        }

        @Override
        public MethodHandle adapt(MethodHandle downcall) {
            return downcall; // captureCallState already added the leading segment
        }

        @Override
        public MemorySegment allocate(Arena arena) {
            return arena.allocate(layout);
        }

        @Override
        public int read(MemorySegment state) {
            return (int) code.get(state, 0L);
        }
    }

    /** Read by calling {@code GetLastError} after the call. */
    record Called(MethodHandle getLastError) implements LastError {
        @Override
        public Linker.Option[] options() {
            return new Linker.Option[0];
        }

        @Override
        public MethodHandle adapt(MethodHandle downcall) {
            return MethodHandles.dropArguments(downcall, 0, MemorySegment.class);
        }

        @Override
        public MemorySegment allocate(Arena arena) {
            return arena.allocate(JAVA_INT);
        }

        @Override
        public int read(MemorySegment state) {
            try {
                return (int) getLastError.invokeExact();
            } catch (Throwable t) {
                throw new IllegalStateException("GetLastError failed", t);
            }
        }
    }
}
