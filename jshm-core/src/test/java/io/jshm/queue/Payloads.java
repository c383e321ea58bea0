package io.jshm.queue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The messages of the queue tests, a pure function of (seed, producer, seq), so that a consumer in
 * any process can check every byte it receives without being told what was sent.
 * <ul>
 *   <li>The message type carries the producer (high 7 bits) and the sequence number (low 24
 *       bits), so even a 1-byte message says who sent it and which one it is.</li>
 *   <li>The length is drawn from a PRNG seeded by (seed, producer, seq): log-uniform from
 *       {@code min} to {@code max}, with {@code max} itself 1 time in 64, so that small messages
 *       are common, every size up to the largest occurs, and the ring wraps all the time.</li>
 *   <li>The payload bytes come from a splitmix64 stream seeded by (seed, producer, seq).</li>
 * </ul>
 */
final class Payloads {
    private Payloads() {
    }

    static final int MAX_PRODUCERS = 128;
    static final int MAX_SEQ = 1 << 24;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    /** {@return the message type that says producer {@code producer} sent message {@code seq}} */
    static int type(int producer, long seq) {
        if (producer < 0 || producer >= MAX_PRODUCERS || seq < 0 || seq >= MAX_SEQ) {
            throw new IllegalArgumentException("producer " + producer + " seq " + seq);
        }
        return producer << 24 | (int) seq;
    }

    static int producerOf(int type) {
        return type >>> 24;
    }

    static int seqOf(int type) {
        return type & (MAX_SEQ - 1);
    }

    /** {@return the length of message {@code seq} of {@code producer}: from min to max bytes} */
    static int length(long seed, int producer, long seq, int min, int max) {
        long r = mix(start(seed, producer, seq) ^ 0x5DEECE66DL);
        if ((r & 63) == 0) {
            return max;
        }
        int span = max - min + 1;
        int spanBits = 32 - Integer.numberOfLeadingZeros(span);
        int bits = (int) Long.remainderUnsigned(r >>> 6, spanBits); // 0 .. spanBits-1: 1 << bits <= span
        return min + (int) Long.remainderUnsigned(r >>> 16, 1L << bits);
    }

    /** Writes message {@code seq} of {@code producer}, {@code length} bytes, at {@code offset}. */
    static void fill(MemorySegment segment, long offset, int length, long seed, int producer, long seq) {
        long state = start(seed, producer, seq);
        int words = length >>> 3;
        for (int i = 0; i < words; i++) {
            state += GOLDEN;
            segment.set(LONG, offset + 8L * i, mix(state));
        }
        int rest = length & 7;
        if (rest != 0) {
            state += GOLDEN;
            long v = mix(state);
            long at = offset + 8L * words;
            for (int j = 0; j < rest; j++) {
                segment.set(ValueLayout.JAVA_BYTE, at + j, (byte) (v >>> (8 * j)));
            }
        }
    }

    /**
     * {@return -1 if the {@code length} bytes at {@code offset} are message {@code seq} of
     * {@code producer}, else the index of the first byte that differs}
     */
    static int mismatch(MemorySegment segment, long offset, int length, long seed, int producer, long seq) {
        long state = start(seed, producer, seq);
        int words = length >>> 3;
        for (int i = 0; i < words; i++) {
            state += GOLDEN;
            long expected = mix(state);
            long actual = segment.get(LONG, offset + 8L * i);
            if (actual != expected) {
                return 8 * i + Long.numberOfTrailingZeros(actual ^ expected) / 8;
            }
        }
        int rest = length & 7;
        if (rest != 0) {
            state += GOLDEN;
            long v = mix(state);
            long at = offset + 8L * words;
            for (int j = 0; j < rest; j++) {
                if (segment.get(ValueLayout.JAVA_BYTE, at + j) != (byte) (v >>> (8 * j))) {
                    return 8 * words + j;
                }
            }
        }
        return -1;
    }

    /**
     * Checks a received message against what producer and seq (from its type) should have sent.
     * {@return null if it is right, else what is wrong}
     */
    static String check(int type, MemorySegment buffer, long offset, int length, long seed, int min, int max) {
        int producer = producerOf(type);
        int seq = seqOf(type);
        int expectedLength = length(seed, producer, seq, min, max);
        if (length != expectedLength) {
            return "producer " + producer + " seq " + seq + ": length " + length + ", expected " + expectedLength;
        }
        int at = mismatch(buffer, offset, length, seed, producer, seq);
        if (at >= 0) {
            return "producer " + producer + " seq " + seq + " (" + length + " bytes): payload differs at byte " + at;
        }
        return null;
    }

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private static long start(long seed, int producer, long seq) {
        return mix(seed ^ mix(producer * 0xD1B54A32D192ED03L + seq * 0xABC98388FB8FAC03L + 1));
    }

    /** splitmix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
