package io.jshm.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Times for people: local time, to the second. */
final class Times {
    private Times() {
    }

    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("MM-dd'T'HH:mm:ss")
            .withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter FULL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx")
            .withZone(ZoneId.systemDefault());

    /** {@return month, day and time, one word: {@code 12-01T07:40:28}} */
    static String brief(Instant instant) {
        return SHORT.format(instant);
    }

    /** {@return {@code 2026-12-01 07:40:28 +00:00}} */
    static String full(Instant instant) {
        return FULL.format(instant);
    }
}
