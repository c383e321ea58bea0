package io.jshm.testing;

import io.jshm.SharedMemory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Unique region names for one test class ({@code test-<Class>-<random>-<n>}), and the check that
 * the class left none of them behind in {@code /dev/shm}. Register it in each test class:
 * <pre>{@code
 * @RegisterExtension
 * static final RegionNames names = new RegionNames(MyTest.class);
 * }</pre>
 * After the class's last test it removes any region with the class's prefix and fails the class
 * if there was one, so a leak is reported where it happened and the suite leaves nothing behind.
 */
public final class RegionNames implements AfterAllCallback, AfterEachCallback {

    private static final Path SHM = Path.of("/dev/shm");

    private final String prefix;
    private final AtomicInteger counter = new AtomicInteger();
    private final Set<String> removeAfterEach = ConcurrentHashMap.newKeySet();

    public RegionNames(Class<?> testClass) {
        this.prefix = "test-" + testClass.getSimpleName() + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong() >>> 28, 36) + "-";
    }

    /** {@return a fresh name, unique to this class and run} */
    public String next() {
        return prefix + counter.incrementAndGet();
    }

    /**
     * {@return a fresh name whose region this extension removes after the test that asked for it}
     * For regions a test cannot close itself: persistent ones, those made by a command, a child or
     * another program.
     */
    public String nextRemovedAfterEach() {
        String name = next();
        removeAfterEach.add(name);
        return name;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (String name : removeAfterEach) {
            SharedMemory.unlink(name);
        }
        removeAfterEach.clear();
    }

    /** {@return the prefix every name of this class starts with} */
    public String prefix() {
        return prefix;
    }

    /** {@return the regions with this class's prefix now in /dev/shm} */
    public List<String> leftovers() {
        if (!Files.isDirectory(SHM)) {
            return List.of(); // no /dev/shm (Windows): named regions leave nothing on disk there
        }
        try (Stream<Path> entries = Files.list(SHM)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + SHM, e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        checkNothingLeft(context.getDisplayName());
    }

    /**
     * Removes any region with this class's prefix and fails if there was one: what
     * {@link #afterAll} does, for test engines that do not run JUnit Jupiter extensions (jqwik).
     *
     * @param who the test class, for the failure message
     */
    public void checkNothingLeft(String who) throws IOException {
        List<String> left = leftovers();
        for (String name : left) {
            Files.deleteIfExists(SHM.resolve(name));
        }
        if (!left.isEmpty()) {
            throw new AssertionError("regions left behind in /dev/shm by " + who + ": " + left);
        }
    }
}
