package io.jshm.reliability;

import io.jshm.Access;
import io.jshm.PermissionDeniedException;
import io.jshm.RegionExistsException;
import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.ExternalProcess;
import io.jshm.testing.RegionNames;
import io.jshm.testing.ShmFiles;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Other users. The suite runs as root here; each test starts a real child JVM as {@code nobody}
 * (with {@code setpriv}) on a class path that {@code nobody} can read (jshm-core's classes and
 * {@link OtherUserChild}, copied to a world-readable temporary directory).
 * <ul>
 *   <li>A region of mode 0600 cannot be opened by the other user, neither read-write nor
 *       read-only: {@link PermissionDeniedException}.</li>
 *   <li>A region of mode 0644 (asked for) opens read-only for the other user, shows the data, and
 *       rejects writes and CASes with an exception, never a SIGSEGV; read-write is denied.</li>
 *   <li>Squatting: a name that the other user made first makes {@code create} fail with
 *       {@link RegionExistsException} and {@code openOrCreate} refuse with
 *       {@link PermissionDeniedException}, both naming the owner, unless the caller opts in.</li>
 *   <li>A file-backed region in another user's file is refused unless the caller opts in.</li>
 * </ul>
 * When not run as root, these tests are skipped with the reason printed.
 */
@Timeout(60)
class OtherUserTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(OtherUserTest.class);

    private static final Duration RUN = Duration.ofSeconds(40);
    private static final String NOBODY = "65534";

    @TempDir
    static Path classes;

    @BeforeAll
    static void asRootWithSetpriv() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            System.out.println("[skip] OtherUserTest: not running as root, so cannot start a child as another user");
        }
        assumeTrue(root, "not running as root: cannot start a child as another user");
        boolean setpriv = ExternalProcess.available("setpriv", "--version");
        if (!setpriv) {
            System.out.println("[skip] OtherUserTest: setpriv (util-linux) is not installed");
        }
        assumeTrue(setpriv, "setpriv is not installed");
        copyReadable(codeSource(SharedMemory.class), classes);
        Path child = codeSource(OtherUserChild.class).resolve("io/jshm/reliability/OtherUserChild.class");
        Path target = classes.resolve("io/jshm/reliability/OtherUserChild.class");
        Files.createDirectories(target.getParent());
        Files.copy(child, target);
        makeReadable(classes);
    }

    /** Runs {@link OtherUserChild} as nobody. {@return its output lines} */
    private static List<String> asNobody(String... args) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "--", ChildJvm.javaBinary(), "--enable-native-access=ALL-UNNAMED", "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp", classes.toString(), OtherUserChild.class.getName()));
        command.addAll(List.of(args));
        ExternalProcess.Result r = ExternalProcess.run(RUN, command);
        assertThat(r.code()).as("child as nobody: %s", r.output()).isZero();
        return r.output().lines().toList();
    }

    @Test
    void anotherUserCannotOpenA0600Region() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            assertThat(ShmFiles.mode(ShmFiles.path(name)) & 0777).isEqualTo(0600);
            assertThat(asNobody("open", name, "rw")).singleElement(InstanceOfAssertFactories.STRING)
                    .startsWith("DENIED io.jshm.PermissionDeniedException").contains(name).contains("EACCES");
            assertThat(asNobody("open", name, "ro")).singleElement(InstanceOfAssertFactories.STRING)
                    .startsWith("DENIED io.jshm.PermissionDeniedException");
        }
    }

    @Test
    void anotherUserOpensA0644RegionReadOnlyOnlyAndItsWritesAreRejected() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096, SharedMemoryOptions.defaults().withMode(0644))) {
            shm.segment().set(ValueLayout.JAVA_LONG, 0, 4242L);
            assertThat(asNobody("open", name, "ro")).containsExactly("OPENED MARK=4242",
                    "WRITE java.lang.IllegalArgumentException", "CAS java.lang.IllegalArgumentException");
            assertThat(asNobody("open", name, "rw")).singleElement(InstanceOfAssertFactories.STRING)
                    .startsWith("DENIED io.jshm.PermissionDeniedException");
            assertThat(shm.segment().get(ValueLayout.JAVA_LONG, 0)).as("unchanged by the other user").isEqualTo(4242L);
        }
    }

    @Test
    void aNameSquattedByAnotherUserIsRefusedByCreateAndOpenOrCreateUnlessAllowed() throws Exception {
        String name = names.next();
        try {
            assertThat(asNobody("squat", name)).containsExactly("SQUATTED");
            assertThatThrownBy(() -> SharedMemory.create(name, 4096)).isInstanceOf(RegionExistsException.class)
                    .hasMessageContaining(name).hasMessageContaining("belongs to another user, nobody (uid 65534)");
            assertThatThrownBy(() -> SharedMemory.openOrCreate(name, 4096)).isInstanceOf(PermissionDeniedException.class)
                    .hasMessageContaining(name).hasMessageContaining("nobody (uid 65534)")
                    .hasMessageContaining("withForeignOwnerAllowed");
            try (SharedMemory allowed = SharedMemory.openOrCreate(name, 4096,
                    SharedMemoryOptions.defaults().withForeignOwnerAllowed(true))) {
                assertThat(allowed.created()).isFalse();
            }
        } finally {
            SharedMemory.unlink(name);
        }
    }

    @Test
    void aFileOfAnotherUserIsRefusedUnlessAllowed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("theirs.bin");
        SharedMemory.create(file, 4096).close();
        UserPrincipal nobody = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(file, nobody);
        assertThatThrownBy(() -> SharedMemory.open(file)).isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("nobody (uid 65534)");
        assertThatThrownBy(() -> SharedMemory.openOrCreate(file, 4096)).isInstanceOf(PermissionDeniedException.class);
        try (SharedMemory allowed = SharedMemory.open(file, SharedMemoryOptions.defaults().withForeignOwnerAllowed(true)
                .withAccess(Access.READ_ONLY))) {
            assertThat(allowed.size()).isEqualTo(4096);
        }
    }

    private static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyReadable(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }

    private static void makeReadable(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            all.forEach(p -> {
                try {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
