package io.jshm.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How the benchmarks start JVMs of their own (children, JMH forks). */
final class Jvm {
    private Jvm() {
    }

    /** {@return the java launcher of this JVM} */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * {@return the options every benchmark JVM gets: jshm's native access, and what the
     * comparison libraries need (from {@code comparison.jvm-options}, kept beside their
     * dependency declarations rather than in code)}
     */
    static List<String> options() {
        List<String> options = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        try (InputStream in = Jvm.class.getResourceAsStream("comparison.jvm-options")) {
            if (in != null) {
                new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(options::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return options;
    }
}
