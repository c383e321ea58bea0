package io.jshm.bench;

import java.io.IOException;

/**
 * The links one end of a transport uses, opened once for the whole child (a jshm queue handle
 * takes its producer or consumer role on first use and keeps it): {@link #out} for messages up to
 * 4 KiB, {@link #outBig} for larger ones (a 16 MiB ring), {@link #in} for what comes back.
 * Names follow the harness's {@link Pair}: {@code PREFIX-ab} (A to B), {@code PREFIX-ab-big},
 * {@code PREFIX-ba}, {@code PREFIX-raw}.
 */
record Ends(Link out, Link outBig, Link in, Link inBig) implements AutoCloseable {

    /** The largest message the small rings take; larger ones go through the big ring. */
    static final int SMALL_MAX = 4096;
    /** The short lap of {@link Transport#JSHM_SPSC_SHORT_LAPS}'s producers: 64 KiB, as in decision 52's measurements. */
    static final long SHORT_LAP = 64 << 10;

    /**
     * {@return the prefix of the names {@code transport} uses}: the jshm SPSC queues with short
     * laps are queues of their own, beside the plain ones, in the interleaved part.
     */
    static String prefix(Transport transport, String prefix) {
        return transport == Transport.JSHM_SPSC_SHORT_LAPS ? prefix + "-short" : prefix;
    }

    /** {@return the link that carries outgoing messages of {@code size} bytes} */
    Link out(int size) {
        return size > SMALL_MAX ? outBig : out;
    }

    /** {@return the link that brings incoming messages of {@code size} bytes} */
    Link in(int size) {
        return size > SMALL_MAX ? inBig : in;
    }

    /**
     * Opens end A (the driver, {@code a = true}) or B of a transport.
     *
     * @param address the socket address ({@code unix:PATH}, {@code tcp:PORT}) for sockets, else unused
     * @param big     whether the big ring exists (some message is larger than {@link #SMALL_MAX})
     */
    static Ends open(Transport transport, boolean a, String prefix, String address, boolean big)
            throws IOException, InterruptedException {
        String ab = prefix(transport, prefix) + "-ab";
        String ba = prefix(transport, prefix) + "-ba";
        return switch (transport) {
            case JSHM_SPSC, JSHM_SPSC_SHORT_LAPS, JSHM_MPSC -> {
                long lap = transport == Transport.JSHM_SPSC_SHORT_LAPS ? SHORT_LAP : 0;
                yield queues(a, new QueueLink(ab, lap), new QueueLink(ba, lap), big ? new QueueLink(ab + "-big", lap) : null);
            }
            case AGRONA_ONE_TO_ONE, AGRONA_MANY_TO_ONE -> {
                boolean many = transport == Transport.AGRONA_MANY_TO_ONE;
                yield queues(a, new AgronaLink(ab, many), new AgronaLink(ba, many), big ? new AgronaLink(ab + "-big", many) : null);
            }
            case JSHM_RAW -> {
                Link toB = new RawRegionLink(prefix + "-raw", RawRegionLink.A_TO_B);
                Link toA = new RawRegionLink(prefix + "-raw", RawRegionLink.B_TO_A);
                yield queues(a, toB, toA, null);
            }
            case UNIX_SOCKET, TCP_LOOPBACK -> {
                Link socket = a ? SocketLink.connect(address) : SocketLink.accept(address);
                yield new Ends(socket, socket, socket, socket);
            }
            case C_FLOOR -> throw new IllegalArgumentException("the C floor has no Java end");
        };
    }

    private static Ends queues(boolean a, Link toB, Link toA, Link toBBig) {
        return a ? new Ends(toB, toBBig, toA, toA) : new Ends(toA, toA, toB, toBBig);
    }

    @Override
    public void close() throws IOException {
        out.close();
        in.close();
        if (outBig != null && outBig != out && outBig != in) {
            outBig.close();
        }
        if (inBig != null && inBig != in && inBig != out && inBig != outBig) {
            inBig.close();
        }
    }
}
