package io.jshm.reliability;

import io.jshm.NoSpaceException;
import io.jshm.SharedMemory;
import io.jshm.testing.ExternalProcess;
import io.jshm.testing.RegionNames;
import io.jshm.testing.ShmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Full shared memory: a region larger than its file system's free space ({@code statvfs}) fails at
 * create with {@link NoSpaceException} saying how much was asked and how much is free, and leaves
 * nothing behind; a region that fits has its memory reserved, so writing all of it never faults.
 * For file-backed regions this runs on a 1 MiB tmpfs mounted for the test when the suite may mount
 * (root); otherwise on the temporary directory's own file system.
 */
@Timeout(60)
class NoSpaceTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(NoSpaceTest.class);

    private static final long MIB = 1 << 20;

    @Test
    void aNamedRegionLargerThanTheFreeShmSpaceFailsAtCreate() throws Exception {
        String name = names.next();
        long free = Files.getFileStore(ShmFiles.SHM).getUsableSpace();
        long size = free + 16 * MIB; // others' tests may free a little meanwhile: keep a margin
        assertThatThrownBy(() -> SharedMemory.create(name, size)).isInstanceOf(NoSpaceException.class)
                .hasMessageContaining("cannot create region '" + name + "'")
                .hasMessageContaining("no space: " + size + " bytes asked")
                .hasMessageContaining("bytes free in /dev/shm");
        assertThatThrownBy(() -> SharedMemory.openOrCreate(name, size)).isInstanceOf(NoSpaceException.class);
        assertThat(ShmFiles.present(name)).isFalse();
    }

    @Test
    void aFileRegionLargerThanItsFileSystemFailsAtCreateAndOneThatFitsNeverFaults(@TempDir Path dir) throws Exception {
        Path mount = dir.resolve("small");
        Files.createDirectories(mount);
        boolean mounted = ExternalProcess.run(Duration.ofSeconds(20),
                List.of("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "jshm-nospace-test", mount.toString())).code() == 0;
        if (!mounted) {
            System.out.println("[info] NoSpaceTest: cannot mount a small tmpfs (not root?); testing on " + dir
                    + "'s own file system instead");
        }
        try {
            long free = Files.getFileStore(mount).getUsableSpace();
            Path tooBig = mount.resolve("too-big.bin");
            assertThatThrownBy(() -> SharedMemory.create(tooBig, free + 16 * MIB)).isInstanceOf(NoSpaceException.class)
                    .hasMessageContaining(tooBig.toString()).hasMessageContaining("no space")
                    .hasMessageContaining("bytes free in " + mount);
            assertThat(Files.exists(tooBig)).as("nothing left by the failed create").isFalse();
            if (mounted) {
                Path fits = mount.resolve("fits.bin");
                try (SharedMemory shm = SharedMemory.create(fits, 768 * 1024)) {
                    MemorySegment seg = shm.segment();
                    for (long page = 0; page < seg.byteSize(); page += 4096) {
                        seg.set(ValueLayout.JAVA_LONG, page, page); // reserved at create: no SIGBUS
                    }
                    Path second = mount.resolve("second.bin");
                    assertThatThrownBy(() -> SharedMemory.create(second, 512 * 1024)).isInstanceOf(NoSpaceException.class)
                            .hasMessageContaining("524288 bytes asked");
                    assertThat(Files.exists(second)).isFalse();
                    assertThat(seg.get(ValueLayout.JAVA_LONG, 700 * 1024 & -4096)).isEqualTo(700 * 1024 & -4096);
                }
            }
        } finally {
            if (mounted) {
                ExternalProcess.run(Duration.ofSeconds(20), List.of("umount", mount.toString()));
            }
        }
    }
}
