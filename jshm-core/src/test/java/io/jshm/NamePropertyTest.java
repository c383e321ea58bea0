package io.jshm;

import io.jshm.testing.RegionNames;
import io.jshm.testing.SeedAndDeadline;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Any string as a name: either it is valid (create and close work and leave nothing behind) or it
 * is an {@link InvalidNameException}; never another outcome. jqwik prints the seed of each run
 * ({@link SeedAndDeadline}); rerun one with {@code @Property(seed = "...")}.
 *
 * <p>Generated names start with this class's {@link RegionNames#prefix()}, so that a valid one is
 * unique and a leftover is found; the fixed invalid names ({@code ""}, {@code "."}, ...) are in
 * {@link BadInputTest}. jqwik does not run JUnit Jupiter extensions, so the leftover check that
 * {@link RegionNames} does after a Jupiter class runs here after the container.
 */
@AddLifecycleHook(SeedAndDeadline.class)
class NamePropertyTest {

    static final RegionNames names = new RegionNames(NamePropertyTest.class);

    private static final String ALLOWED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

    @Provide
    Arbitrary<String> suffixes() {
        Arbitrary<Character> allowed = Arbitraries.of(ALLOWED.chars().mapToObj(c -> (char) c).toArray(Character[]::new));
        Arbitrary<Character> forbidden = Arbitraries.oneOf(
                Arbitraries.of('/', '\0', ' ', '\n', '\t', '\\', '*', '?', ':', '\u007f', '\u00e9', '\u540d', '\ud83d'),
                Arbitraries.chars());
        Arbitrary<Character> mixed = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(20, allowed), net.jqwik.api.Tuple.of(1, forbidden));
        // the prefix is about 30 characters: up to 240 more crosses the 255 limit
        return mixed.list().ofMinSize(0).ofMaxSize(240).map(cs -> {
            StringBuilder sb = new StringBuilder(cs.size());
            cs.forEach(sb::append);
            return sb.toString();
        });
    }

    @Property(tries = 300)
    void aNameIsEitherUsableOrInvalidNeverAnythingElse(@ForAll("suffixes") String suffix) {
        String name = names.prefix() + suffix;
        boolean valid = name.length() <= 255 && name.chars().allMatch(c -> ALLOWED.indexOf(c) >= 0);
        try {
            try (SharedMemory shm = SharedMemory.create(name, 64)) {
                shm.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 63, (byte) 1);
                assertThat(SharedMemory.exists(name)).isTrue();
            }
            assertThat(valid).as("accepted %s", printable(name)).isTrue();
        } catch (InvalidNameException e) {
            assertThat(valid).as("refused %s: %s", printable(name), e.getMessage()).isFalse();
            assertThat(e.getMessage()).contains("invalid region name");
        } catch (RuntimeException e) {
            fail("name " + printable(name) + " gave neither a region nor InvalidNameException", e);
        }
        assertThat(names.leftovers()).as("after %s", printable(name)).isEmpty();
    }

    @AfterContainer
    static void nothingLeftBehind() throws Exception {
        names.checkNothingLeft(NamePropertyTest.class.getSimpleName());
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.chars().forEach(c -> sb.append(c < 0x20 || c > 0x7e ? "\\u%04x".formatted(c) : String.valueOf((char) c)));
        return sb.append('"').toString();
    }
}
