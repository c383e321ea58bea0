package io.jshm.cli;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Shell-style name patterns ({@code orders*}, {@code test-?}) for the commands that look at many
 * regions ({@code ls}, {@code top}, {@code gc}): {@code *} is any run of characters, {@code ?} one
 * character, everything else itself. No pattern at all matches every name.
 */
final class NamePatterns {

    private final List<Pattern> patterns;

    NamePatterns(List<String> globs) {
        this.patterns = globs == null ? List.of() : globs.stream().map(NamePatterns::compile).toList();
    }

    boolean matches(String name) {
        return patterns.isEmpty() || patterns.stream().anyMatch(p -> p.matcher(name).matches());
    }

    private static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
