package io.jshm.cli;

import io.jshm.SharedMemory;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jshm rm}: removing regions and files, and what happens when one is missing. */
@Timeout(10)
class RemoveCommandTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(RemoveCommandTest.class);

    @TempDir
    Path dir;

    private String persistent() {
        String name = names.next();
        assertThat(Cli.run("create", name, "4096").exit()).isZero();
        return name;
    }

    @Test
    void removesRegions() {
        String a = persistent();
        String b = persistent();

        Cli.Result r = Cli.run("rm", a, b);

        assertThat(r.exit()).isZero();
        assertThat(r.outLines()).containsExactly("removed region '" + a + "'", "removed region '" + b + "'");
        assertThat(r.err()).isEmpty();
        assertThat(SharedMemory.exists(a)).isFalse();
        assertThat(SharedMemory.exists(b)).isFalse();
    }

    @Test
    void missingRegionIsExit3WithOneLine() {
        String name = names.next();

        Cli.Result r = Cli.run("rm", name);

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.errLines()).containsExactly("jshm: cannot remove region '" + name + "': no such region");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void removesTheOthersWhenOneIsMissing() {
        String missing = names.next();
        String present = persistent();

        Cli.Result r = Cli.run("rm", missing, present);

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.errLines()).hasSize(1);
        assertThat(SharedMemory.exists(present)).isFalse();
    }

    @Test
    void aRealFailureOutranksNotFound() {
        String missing = names.next();

        Cli.Result r = Cli.run("rm", missing, dir.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(2);
    }

    @Test
    void invalidNameIsAUsageError() {
        Cli.Result r = Cli.run("rm", "not valid");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().startsWith("jshm: invalid region name 'not valid'");
    }

    @Test
    void openHandlesKeepTheirViewAfterRemoval() {
        String name = persistent();
        try (SharedMemory shm = SharedMemory.open(name)) {
            Cli.Result r = Cli.run("rm", name);

            assertThat(r.exit()).isZero();
            assertThat(SharedMemory.exists(name)).isFalse();
            shm.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 7);
            assertThat(shm.segment().get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 7);
        }
    }

    @Test
    void removesAFileBackedRegionByPath() {
        Path file = dir.resolve("frame.bin");
        assertThat(Cli.run("create", file.toString(), "4096").exit()).isZero();

        Cli.Result r = Cli.run("rm", file.toString());
        Cli.Result again = Cli.run("rm", file.toString());
        Cli.Result directory = Cli.run("rm", dir.toString());

        assertThat(r.exit()).isZero();
        assertThat(Files.exists(file)).isFalse();
        assertThat(again.exit()).isEqualTo(3);
        assertThat(again.errLines()).containsExactly("jshm: cannot remove file region '" + file + "': no such file");
        assertThat(directory.exit()).isEqualTo(1);
        assertThat(directory.errLines()).singleElement().asString().contains("not a regular file");
        assertThat(Files.isDirectory(dir)).isTrue();
    }

    @Test
    void noNameIsAUsageError() {
        Cli.Result r = Cli.run("rm");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines().getLast()).isEqualTo("try 'jshm rm --help'");
    }
}
