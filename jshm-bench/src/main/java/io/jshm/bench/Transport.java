package io.jshm.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The ways of moving a message between two processes that the harness compares, in the order
 * they run within a round. Each names the transports its ratios are taken against.
 */
enum Transport {
    JSHM_SPSC("jshm SPSC", true),
    /** jshm SPSC with its producers' short laps on ({@link Ends#SHORT_LAP}; decision 52), an opt-in tuning. */
    JSHM_SPSC_SHORT_LAPS("jshm SPSC (short laps)", true),
    JSHM_MPSC("jshm MPSC", true),
    JSHM_RAW("jshm raw region", false),
    AGRONA_ONE_TO_ONE("Agrona OneToOne", true),
    AGRONA_MANY_TO_ONE("Agrona ManyToOne", true),
    UNIX_SOCKET("Unix socket", true),
    TCP_LOOPBACK("TCP loopback", true),
    C_FLOOR("C floor", true);

    private final String label;
    private final boolean streams;

    Transport(String label, boolean streams) {
        this.label = label;
        this.streams = streams;
    }

    /** {@return the name shown in tables and JSON, and matched by {@code --only}} */
    String label() {
        return label;
    }

    /**
     * {@return whether it carries one-way streams} The raw region is one word each way: round
     * trips only, the floor reachable from Java.
     */
    boolean streams() {
        return streams;
    }

    /** {@return whether both ends are Java children (else the C program)} */
    boolean java() {
        return this != C_FLOOR;
    }

    /** {@return the Agrona ring its figures are divided by: ManyToOne for MPSC, else OneToOne} */
    Transport agronaTwin() {
        return this == JSHM_MPSC || this == AGRONA_MANY_TO_ONE ? AGRONA_MANY_TO_ONE : AGRONA_ONE_TO_ONE;
    }

    /** {@return the transport with this label, or this enum constant's name} */
    static Transport of(String name) {
        return Arrays.stream(values()).filter(t -> t.label.equals(name) || t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no transport " + name + "; known: " + labels()));
    }

    static List<String> labels() {
        return Arrays.stream(values()).map(Transport::label).toList();
    }

    /** {@return whether a {@code --only} word picks it: a case-insensitive part of its label} */
    boolean matches(String word) {
        return label.toLowerCase(Locale.ROOT).contains(word.toLowerCase(Locale.ROOT));
    }
}
