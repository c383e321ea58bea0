package io.jshm.bench;

import java.util.List;

/**
 * The interleaved parts: each runs a jshm queue, in one configuration, and its Agrona counterpart
 * (OneToOne for SPSC, ManyToOne for MPSC) from one pair of processes, taking turns
 * ({@link Child#turn}), so that both meet the same machine. The SPSC
 * configurations run in parts of their own, not in one part: queues of two configurations in one
 * JVM share the JIT's profile of {@code SharedQueue}'s code (the branches short laps take, the
 * padding they write), and that changed the default's figures (decision 54).
 */
enum Interleaving {
    /** jshm SPSC as it comes: the part issue 5's targets are read from. */
    DEFAULT("interleaved round trips", "interleaved", Transport.JSHM_SPSC),
    /** jshm SPSC with short laps (opt-in, decision 52). */
    SHORT_LAPS("interleaved, short laps", "short_laps", Transport.JSHM_SPSC_SHORT_LAPS),
    /** jshm MPSC (one producer here) beside Agrona ManyToOne. */
    MPSC("interleaved, MPSC", "mpsc", Transport.JSHM_MPSC);

    private final String part;
    private final String id;
    private final Transport jshm;

    Interleaving(String part, String id, Transport jshm) {
        this.part = part;
        this.id = id;
        this.jshm = jshm;
    }

    /** {@return the part's name, as {@code --only} and the progress lines show it} */
    String part() {
        return part;
    }

    /** {@return what the ids of the part's tables end in} */
    String id() {
        return id;
    }

    /** {@return the jshm transport the part measures} */
    Transport jshm() {
        return jshm;
    }

    /** {@return the Agrona ring the jshm queue is measured against} */
    Transport agrona() {
        return jshm.agronaTwin();
    }

    /** {@return the transports in their order in the part's records: the jshm one, then {@link #agrona}} */
    List<Transport> transports() {
        return List.of(jshm, agrona());
    }

    /** {@return the interleaving whose part is {@code part}, or null} */
    static Interleaving ofPart(String part) {
        for (Interleaving i : values()) {
            if (i.part.equals(part)) {
                return i;
            }
        }
        return null;
    }
}
