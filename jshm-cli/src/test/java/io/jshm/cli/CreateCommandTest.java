package io.jshm.cli;

import io.jshm.Lifetime;
import io.jshm.RegionInfo;
import io.jshm.SharedMemory;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jshm create}: persistent regions, by name or as files, with mode and size. */
@Timeout(10)
class CreateCommandTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(CreateCommandTest.class);

    @TempDir
    Path dir;

    @Test
    void createsAPersistentZeroFilledRegionAndSaysSoInOneLine() {
        String name = names.nextRemovedAfterEach();

        Cli.Result r = Cli.run("create", name, "64KiB");

        assertThat(r.exit()).isZero();
        assertThat(r.outLines()).singleElement().asString()
                .isEqualTo("created region '" + name + "': 64 KiB (65536 bytes), mode 0600, persistent until 'jshm rm "
                        + name + "'");
        assertThat(r.err()).isEmpty();
        RegionInfo info = SharedMemory.info(name);
        assertThat(info.size()).isEqualTo(65536);
        assertThat(info.mode()).isEqualTo(0600);
        assertThat(info.lifetime()).isEqualTo(Lifetime.PERSISTENT);
        assertThat(info.stale()).isFalse();
        assertThat(info.holders()).isEmpty(); // the command exited (closed) at once
        try (SharedMemory shm = SharedMemory.open(name)) {
            byte[] bytes = shm.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            assertThat(bytes).containsOnly(0);
        }
    }

    @Test
    void modeIsOctalAndPrefaultWorks() {
        String name = names.nextRemovedAfterEach();

        Cli.Result r = Cli.run("create", name, "1MiB", "--mode", "640", "--prefault");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("1 MiB (1048576 bytes), mode 0640");
        assertThat(SharedMemory.info(name).mode()).isEqualTo(0640);
    }

    @Test
    void badModeIsAUsageError() {
        for (String mode : new String[] {"999", "1777", "200", "rw"}) {
            String name = names.nextRemovedAfterEach();

            Cli.Result r = Cli.run("create", name, "4096", "--mode=" + mode);

            assertThat(r.exit()).as(mode).isEqualTo(2);
            assertThat(r.errLines().getFirst()).as(mode).contains("--mode");
            assertThat(SharedMemory.exists(name)).isFalse();
        }
    }

    @Test
    void existingRegionIsAFailureInOneLine() {
        String name = names.nextRemovedAfterEach();
        assertThat(Cli.run("create", name, "4096").exit()).isZero();

        Cli.Result again = Cli.run("create", name, "8192");

        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.errLines()).singleElement().asString()
                .startsWith("jshm: cannot create region '" + name + "'")
                .doesNotContain("Exception");
        assertThat(SharedMemory.info(name).size()).isEqualTo(4096); // regions keep their size
    }

    @Test
    void aNameWithASlashIsAFileBackedRegion() throws Exception {
        Path file = dir.resolve("frame.bin");

        Cli.Result r = Cli.run("create", file.toString(), "8KiB");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("created file region '" + file + "': 8 KiB (8192 bytes)");
        assertThat(Files.size(file)).isEqualTo(8192);
        try (SharedMemory shm = SharedMemory.open(file)) {
            assertThat(shm.lifetime()).isEqualTo(Lifetime.PERSISTENT);
        }
    }

    @Test
    void fileOptionMakesAFileBackedRegionAndNameIsALabel() throws Exception {
        Path file = dir.resolve("labelled.bin");
        String label = names.next();

        Cli.Result r = Cli.run("create", label, "4096", "--file", file.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("'" + file + "' ('" + label + "')");
        assertThat(Files.size(file)).isEqualTo(4096);
        assertThat(SharedMemory.exists(label)).isFalse();
    }

    @Test
    void aPathAsNameAndFileTogetherIsAUsageError() {
        Path file = dir.resolve("a.bin");

        Cli.Result r = Cli.run("create", file.toString(), "4096", "--file", dir.resolve("b.bin").toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines().getFirst()).contains("not both");
        assertThat(Files.exists(file)).isFalse();
    }
}
