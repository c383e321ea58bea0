package io.jshm.reliability;

import io.jshm.Access;
import io.jshm.PermissionDeniedException;
import io.jshm.RegionExistsException;
import io.jshm.SharedMemory;
import io.jshm.sync.Atomics;
import io.jshm.sync.SharedMutex;
import io.jshm.sync.SharedSemaphore;
import io.jshm.testing.RegionNames;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Security checks that need no other user (those are in {@link OtherUserTest}): file-backed
 * regions never follow symbolic links, and every kind of write through a read-only view, raw or
 * through jshm's primitives, is an exception and changes nothing (never a SIGSEGV).
 */
@Timeout(30)
class SecurityTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(SecurityTest.class);

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    @Test
    void fileRegionsRefuseSymbolicLinks(@TempDir Path dir) throws Exception {
        Path real = dir.resolve("real.bin");
        Path link = dir.resolve("link.bin");
        SharedMemory.create(real, 4096).close();
        Files.createSymbolicLink(link, real);
        assertThatThrownBy(() -> SharedMemory.open(link)).isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining(link.toString()).hasMessageContaining("symbolic link").hasMessageContaining("ELOOP");
        assertThatThrownBy(() -> SharedMemory.open(link, Access.READ_ONLY)).isInstanceOf(PermissionDeniedException.class);
        assertThatThrownBy(() -> SharedMemory.create(link, 4096)).isInstanceOf(RegionExistsException.class);
        assertThatThrownBy(() -> SharedMemory.openOrCreate(link, 4096)).isInstanceOf(PermissionDeniedException.class);

        Path dangling = dir.resolve("dangling.bin");
        Path victim = dir.resolve("victim.bin");
        Files.createSymbolicLink(dangling, victim);
        assertThatThrownBy(() -> SharedMemory.create(dangling, 4096)).isInstanceOf(RegionExistsException.class);
        assertThat(Files.exists(victim, LinkOption.NOFOLLOW_LINKS)).as("a create through a link made its target").isFalse();
    }

    @Test
    void everyWriteThroughAReadOnlyViewIsAnExceptionAndChangesNothing() throws Exception {
        String name = names.next();
        try (SharedMemory rw = SharedMemory.create(name, 8192);
             SharedMemory ro = SharedMemory.open(name, Access.READ_ONLY);
             Arena arena = Arena.ofConfined()) {
            SharedMutex.initialize(rw.segment(), 0);
            SharedSemaphore.initialize(rw.segment(), 64, 3);
            rw.segment().set(ValueLayout.JAVA_LONG, 4096, 77L);
            byte[] before = rw.segment().toArray(ValueLayout.JAVA_BYTE);
            MemorySegment seg = ro.segment();
            MemorySegment view = ro.map(arena, 4096, 4096);
            SharedMutex mutex = SharedMutex.attach(seg, 0);
            SharedSemaphore semaphore = SharedSemaphore.attach(seg, 64);
            List<ThrowingCallable> writes = List.of(
                    () -> seg.set(ValueLayout.JAVA_LONG, 4096, 1L),
                    () -> seg.fill((byte) 1),
                    () -> MemorySegment.copy(new byte[16], 0, seg, ValueLayout.JAVA_BYTE, 4096, 16),
                    () -> LONG.setVolatile(seg, 4096L, 1L),
                    () -> LONG.compareAndSet(seg, 4096L, 77L, 1L),
                    () -> LONG.getAndAdd(seg, 4096L, 1L),
                    () -> view.set(ValueLayout.JAVA_LONG, 0, 1L),
                    () -> Atomics.compareAndSetLong(seg, 4096, 77L, 1L),
                    mutex::tryLock,
                    semaphore::tryAcquire);
            for (ThrowingCallable write : writes) {
                // the JDK's exception for a write to a read-only segment (decision 3)
                assertThatThrownBy(write).isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(rw.segment().toArray(ValueLayout.JAVA_BYTE)).as("the region after the refused writes")
                    .isEqualTo(before);
            assertThat(view.get(ValueLayout.JAVA_LONG, 0)).as("reads still work").isEqualTo(77L);
        }
    }
}
