package io.jshm;

import io.jshm.testing.RegionNames;
import io.jshm.testing.ShmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Wrong names, sizes, ranges and states: each is refused with the documented exception and a clear message. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // regions and children are held open by try blocks that do not name them
class BadInputTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(BadInputTest.class);

    // ------------------------------------------------------------------ names

    static Stream<Arguments> invalidNames() {
        String p = names.prefix();
        return Stream.of(
                Arguments.of("", "empty"),
                Arguments.of("/", "'/'"),
                Arguments.of("/" + p + "slash", "'/' at index 0"),
                Arguments.of(p + "/sub", "'/' at index " + p.length()),
                Arguments.of(".", "'.' is reserved"),
                Arguments.of("..", "'..' is reserved"),
                Arguments.of(p + "\0tail", "NUL at index " + p.length()),
                Arguments.of(p + "x".repeat(256 - p.length()), "256 characters, more than 255"),
                Arguments.of(p + "\u00e9", "U+00E9"),
                Arguments.of(p + "\u540d\u524d", "U+540D"),
                Arguments.of(p + " space", "' '"),
                Arguments.of(p + "\n", "U+000A"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("invalidNames")
    void invalidNamesAreRefusedBeforeAnySystemCall(String name, String problem) {
        Consumer<Runnable> refused = call -> assertThatThrownBy(call::run)
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("invalid region name")
                .hasMessageContaining(problem)
                .hasMessageContaining("A-Z a-z 0-9 . _ -")
                .satisfies(e -> assertThat(((JshmException) e).osError()).isZero());
        refused.accept(() -> SharedMemory.create(name, 4096).close());
        refused.accept(() -> SharedMemory.open(name).close());
        refused.accept(() -> SharedMemory.open(name, Access.READ_ONLY).close());
        refused.accept(() -> SharedMemory.openOrCreate(name, 4096).close());
        refused.accept(() -> SharedMemory.exists(name));
        refused.accept(() -> SharedMemory.info(name));
        refused.accept(() -> SharedMemory.unlink(name));

        assertThat(names.leftovers()).as("no /dev/shm entry for %s", name).isEmpty();
        // a name cut at the NUL or the slash would have made the prefix itself, or a directory
        assertThat(ShmFiles.present(names.prefix())).isFalse();
        assertThat(ShmFiles.present(names.prefix() + "slash")).isFalse();
    }

    @Test
    void theLongestNameIsAccepted() {
        String name = names.next();
        name = name + "y".repeat(255 - name.length());
        assertThat(name).hasSize(255);
        try (SharedMemory shm = SharedMemory.create(name, 64)) {
            assertThat(SharedMemory.exists(name)).isTrue();
            assertThat(shm.name()).isEqualTo(name);
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    @Test
    void nullArgumentsThrowNullPointerException() {
        assertThatThrownBy(() -> SharedMemory.create((String) null, 10)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> SharedMemory.open((String) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> SharedMemory.create((Path) null, 10)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> SharedMemory.create(names.next(), 10, null)).isInstanceOf(NullPointerException.class);
        assertThat(names.leftovers()).isEmpty();
    }

    // ------------------------------------------------------------------ sizes

    @Test
    void zeroAndNegativeSizesAreRefused() {
        String name = names.next();
        for (long size : new long[] {0, -1, -4096, Long.MIN_VALUE}) {
            assertThatThrownBy(() -> SharedMemory.create(name, size))
                    .isInstanceOf(InvalidSizeException.class)
                    .hasMessageContaining("invalid size " + size)
                    .hasMessageContaining(name)
                    .hasMessageContaining("at least 1 byte");
            assertThatThrownBy(() -> SharedMemory.openOrCreate(name, size))
                    .isInstanceOf(InvalidSizeException.class)
                    .hasMessageContaining("invalid size " + size);
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    @Test
    void anAbsurdSizeIsNoSpaceAtCreateAndLeavesNothing(@TempDir Path dir) {
        String name = names.next();
        long absurd = 1L << 50;
        assertThatThrownBy(() -> SharedMemory.create(name, absurd))
                .isInstanceOf(NoSpaceException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("no space")
                .hasMessageContaining(Long.toString(absurd));
        assertThatThrownBy(() -> SharedMemory.openOrCreate(name, absurd)).isInstanceOf(NoSpaceException.class);
        assertThat(ShmFiles.present(name)).isFalse();

        Path file = dir.resolve("huge.bin");
        assertThatThrownBy(() -> SharedMemory.create(file, absurd))
                .isInstanceOf(NoSpaceException.class)
                .hasMessageContaining(file.toString());
        assertThat(file).doesNotExist();
    }

    @Test
    void anEmptyFileIsNotARegion(@TempDir Path dir) throws Exception {
        Path file = Files.createFile(dir.resolve("empty.bin"));
        assertThatThrownBy(() -> SharedMemory.open(file))
                .isInstanceOf(InvalidSizeException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("size 0");
        assertThat(file).exists();
    }

    // ------------------------------------------------------------------ view ranges

    @Test
    void viewsOutsideTheRegionAreRefused() {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 8192); Arena arena = Arena.ofConfined()) {
            long[][] outside = {{-1, 10}, {Long.MIN_VALUE, 10}, {8192, 1}, {8000, 193}, {0, 8193},
                    {Long.MAX_VALUE, 1}, {1, Long.MAX_VALUE}, {Long.MAX_VALUE, Long.MAX_VALUE}, {8191, 2}};
            for (long[] r : outside) {
                assertThatThrownBy(() -> shm.map(arena, r[0], r[1]))
                        .as("map(%d, %d)", r[0], r[1])
                        .isInstanceOf(IndexOutOfBoundsException.class)
                        .hasMessageContaining(name)
                        .hasMessageContaining("8192 bytes");
            }
            for (long length : new long[] {0, -1, Long.MIN_VALUE}) {
                assertThatThrownBy(() -> shm.map(arena, 0, length))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("length must be positive");
            }
            assertThatThrownBy(() -> shm.map(null, 0, 1)).isInstanceOf(NullPointerException.class);
            // the edges themselves are inside
            assertThat(shm.map(arena, 8191, 1).byteSize()).isEqualTo(1);
            assertThat(shm.map(arena, 0, 8192).byteSize()).isEqualTo(8192);
            assertThatThrownBy(() -> shm.segment().get(ValueLayout.JAVA_LONG, 8188))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void mappingIntoAClosedArenaIsRefused() {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 8192)) {
            Arena arena = Arena.ofConfined();
            arena.close();
            assertThatThrownBy(() -> shm.map(arena, 0, 10)).isInstanceOf(IllegalStateException.class);
        }
    }

    // ------------------------------------------------------------------ existence

    @Test
    void openingAMissingRegionNamesItAndTheOsReason() {
        String name = names.next();
        assertThatThrownBy(() -> SharedMemory.open(name))
                .isInstanceOf(NoSuchRegionException.class)
                .hasMessageContaining("cannot open region '" + name + "'")
                .hasMessageContaining("ENOENT")
                .satisfies(e -> {
                    NoSuchRegionException n = (NoSuchRegionException) e;
                    assertThat(n.region()).isEqualTo(name);
                    assertThat(n.osError()).isEqualTo(2);
                });
        assertThatThrownBy(() -> SharedMemory.open(name, Access.READ_ONLY)).isInstanceOf(NoSuchRegionException.class);
        assertThat(SharedMemory.exists(name)).isFalse();
        assertThat(SharedMemory.unlink(name)).isFalse();
        assertThat(ShmFiles.present(name)).isFalse();
    }

    @Test
    void creatingALiveRegionAgainIsRegionExistsAndLeavesItIntact() {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            shm.segment().set(ValueLayout.JAVA_LONG, 0, 0xABCDL);
            assertThatThrownBy(() -> SharedMemory.create(name, 4096))
                    .isInstanceOf(RegionExistsException.class)
                    .hasMessageContaining(name)
                    .hasMessageContaining("EEXIST");
            assertThatThrownBy(() -> SharedMemory.create(name, 100,
                    SharedMemoryOptions.defaults().withLifetime(Lifetime.PERSISTENT)))
                    .isInstanceOf(RegionExistsException.class);
            assertThat(shm.segment().get(ValueLayout.JAVA_LONG, 0)).isEqualTo(0xABCDL);
            assertThat(SharedMemory.info(name).size()).isEqualTo(4096);
            assertThat(SharedMemory.info(name).lifetime()).isEqualTo(Lifetime.UNTIL_LAST_CLOSE);
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    @Test
    void writingThroughAReadOnlyHandleThrows() {
        String name = names.next();
        try (SharedMemory rw = SharedMemory.create(name, 4096);
             SharedMemory ro = SharedMemory.open(name, Access.READ_ONLY)) {
            assertThatThrownBy(() -> ro.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(rw.segment().get(ValueLayout.JAVA_BYTE, 0)).isZero();
        }
    }

    // ------------------------------------------------------------------ options

    @Test
    void invalidOptionsAreRefused() {
        SharedMemoryOptions d = SharedMemoryOptions.defaults();
        for (int mode : new int[] {0, 0200, 0077, 01600, 04600, -1, 010000}) {
            assertThatThrownBy(() -> d.withMode(mode))
                    .as("mode 0%o", mode)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid mode");
        }
        assertThatThrownBy(() -> d.withOpenTimeout(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withLifetime(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> d.withAccess(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> d.withOpenTimeout(null)).isInstanceOf(NullPointerException.class);
        assertThat(d.withMode(0400).mode()).isEqualTo(0400);
        assertThat(d).isEqualTo(new SharedMemoryOptions(Lifetime.UNTIL_LAST_CLOSE, 0600, false, Access.READ_WRITE,
                Duration.ofSeconds(2)));
    }
}
