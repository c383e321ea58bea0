package io.jshm.cli;

import io.jshm.SharedMemory;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jshm write} and {@code jshm read}: bytes in and out, offsets, and ranges outside a region. */
@Timeout(10)
class ReadWriteCommandTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(ReadWriteCommandTest.class);

    @TempDir
    Path dir;

    /** {@return a fresh persistent region of {@code size} bytes, made with {@code jshm create}} */
    private String region(String size) {
        String name = names.nextRemovedAfterEach();
        assertThat(Cli.run("create", name, size).exit()).isZero();
        return name;
    }

    private static byte[] everyByteValue() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    @Test
    void binaryRoundTrip() {
        String name = region("4096");
        byte[] data = everyByteValue();

        Cli.Result write = Cli.run(data, "write", name);
        Cli.Result read = Cli.run(new byte[0], "read", name, "--length", "256");

        assertThat(write.exit()).isZero();
        assertThat(write.out()).isEmpty();
        assertThat(write.err()).isEmpty();
        assertThat(read.exit()).isZero();
        assertThat(read.stdout()).isEqualTo(data);
        assertThat(read.out()).isEmpty();
    }

    @Test
    void readWithoutLengthGoesToTheEnd() {
        String name = region("1KiB");

        Cli.Result all = Cli.run(new byte[0], "read", name);
        Cli.Result tail = Cli.run(new byte[0], "read", name, "--offset", "1000");
        Cli.Result none = Cli.run(new byte[0], "read", name, "--offset", "1KiB");

        assertThat(all.stdout()).hasSize(1024).containsOnly(0);
        assertThat(tail.stdout()).hasSize(24);
        assertThat(none.exit()).isZero();
        assertThat(none.stdout()).isEmpty();
    }

    @Test
    void writeAtAnOffsetLeavesTheRestAlone() {
        String name = region("8KiB");
        Cli.run("hello".getBytes(StandardCharsets.UTF_8), "write", name);

        Cli.Result r = Cli.run("world".getBytes(StandardCharsets.UTF_8), "write", name, "--offset", "4KiB");

        assertThat(r.exit()).isZero();
        assertThat(Cli.run(new byte[0], "read", name, "--length", "6").stdout()).isEqualTo("hello\0".getBytes());
        assertThat(Cli.run(new byte[0], "read", name, "--offset", "4096", "--length", "5").stdout())
                .isEqualTo("world".getBytes());
        assertThat(Cli.run(new byte[0], "read", name, "--offset", "5", "--length", "4091").stdout()).containsOnly(0);
    }

    @Test
    void verboseWriteReportsOnStderr() {
        String name = region("4096");

        Cli.Result r = Cli.run(new byte[10], "write", name, "--offset", "100", "--verbose");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).containsExactly("jshm: wrote 10 bytes to region '" + name + "' at offset 100");
    }

    @Test
    void inputThatExactlyFillsTheRestFits() {
        String name = region("4096");
        byte[] data = new byte[96];
        Arrays.fill(data, (byte) 0x5a);

        Cli.Result r = Cli.run(data, "write", name, "--offset", "4000");

        assertThat(r.exit()).isZero();
        assertThat(Cli.run(new byte[0], "read", name, "--offset", "4000").stdout()).isEqualTo(data);
    }

    @Test
    void inputThatDoesNotFitFailsAndWritesNothing() {
        String name = region("4096");
        byte[] data = new byte[97];
        Arrays.fill(data, (byte) 0x5a);

        Cli.Result r = Cli.run(data, "write", name, "--offset", "4000");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()).singleElement().asString()
                .isEqualTo("jshm: input does not fit: more than the 96 bytes from offset 4000 to the end of region '"
                        + name + "' (4 KiB); nothing was written");
        try (SharedMemory shm = SharedMemory.open(name)) {
            assertThat(shm.segment().toArray(ValueLayout.JAVA_BYTE)).containsOnly(0);
        }
    }

    @Test
    void offsetsPastTheEndFail() {
        String name = region("4096");

        Cli.Result write = Cli.run(new byte[1], "write", name, "--offset", "4097");
        Cli.Result read = Cli.run(new byte[0], "read", name, "--offset", "5000");
        Cli.Result range = Cli.run(new byte[0], "read", name, "--offset", "4000", "--length", "97");

        assertThat(write.exit()).isEqualTo(1);
        assertThat(write.errLines()).containsExactly(
                "jshm: offset 4097 is past the end of region '" + name + "' (4096 bytes)");
        assertThat(read.exit()).isEqualTo(1);
        assertThat(read.errLines()).containsExactly(
                "jshm: offset 5000 is past the end of region '" + name + "' (4096 bytes)");
        assertThat(range.exit()).isEqualTo(1);
        assertThat(range.errLines()).containsExactly(
                "jshm: range [4000, 4000 + 97) is outside region '" + name + "' of 4096 bytes");
        assertThat(range.stdout()).isEmpty();
    }

    @Test
    void missingRegionIsExit3InOneLine() {
        String name = names.next();

        for (Cli.Result r : List.of(Cli.run(new byte[3], "write", name), Cli.run(new byte[0], "read", name))) {
            assertThat(r.exit()).isEqualTo(3);
            assertThat(r.errLines()).singleElement().asString()
                    .startsWith("jshm: cannot open region '" + name + "': ")
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void readsARegionThatLivesUntilLastCloseWhileItsOwnerHoldsIt() {
        String name = names.next();
        try (SharedMemory owner = SharedMemory.create(name, 4096)) {
            owner.segment().setString(0, "held");

            Cli.Result r = Cli.run(new byte[0], "read", name, "--length", "4");

            assertThat(r.exit()).isZero();
            assertThat(r.stdout()).isEqualTo("held".getBytes());
            assertThat(SharedMemory.exists(name)).isTrue(); // the read-only reader's close did not remove it
        }
        assertThat(SharedMemory.exists(name)).isFalse();
    }

    @Test
    void fileBackedRegionByPath() {
        String file = dir.resolve("data.bin").toString();
        assertThat(Cli.run("create", file, "4096").exit()).isZero();

        Cli.Result write = Cli.run(everyByteValue(), "write", file, "--offset", "10");
        Cli.Result read = Cli.run(new byte[0], "read", file, "--offset", "10", "--length", "256");
        Cli.Result missing = Cli.run(new byte[0], "read", dir.resolve("none.bin").toString());

        assertThat(write.exit()).isZero();
        assertThat(read.stdout()).isEqualTo(everyByteValue());
        assertThat(missing.exit()).isEqualTo(3);
        assertThat(missing.errLines()).hasSize(1);
    }
}
