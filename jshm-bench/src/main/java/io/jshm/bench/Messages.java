package io.jshm.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What the harness's messages hold. Every message is at least 16 bytes and carries its sequence
 * number (0, 1, 2, ...) in its first and last 8 bytes; the receiver checks both, so a message
 * lost, repeated, reordered or torn at either end is caught. Control messages have a negative
 * first word: {@link #END} (the second word is the count sent), {@link #READY} and {@link #DONE}
 * (the second word is the count received). In verification runs every byte in between follows
 * a pattern that differs from message to message ({@link #fill}), and the receiver checks them all.
 */
final class Messages {
    private Messages() {
    }

    static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;
    static final long END = -1;
    static final long READY = -2;
    static final long DONE = -3;
    static final int CONTROL_LENGTH = 16;
    static final int PING_LENGTH = 64;

    /** Writes sequence number {@code seq} into the first and last word of a message of {@code length} bytes. */
    static void stamp(MemorySegment message, long seq, int length) {
        message.set(WORD, 0, seq);
        message.set(WORD, length - 8, seq);
    }

    /** Writes a control message (16 bytes): {@code kind}, then {@code value}. */
    static void control(MemorySegment message, long kind, long value) {
        message.set(WORD, 0, kind);
        message.set(WORD, 8, value);
    }

    /** Verification runs' payload: message {@code seq} carries this from offset {@code seq % 251} (made on first use). */
    private static final class Pattern {
        static final MemorySegment BYTES = Arena.global().allocate((1 << 20) + 512);

        static {
            for (int k = 0; k < BYTES.byteSize(); k++) {
                BYTES.set(ValueLayout.JAVA_BYTE, k, (byte) (k % 253));
            }
        }
    }

    /** Fills bytes 8 to length - 8 of message {@code seq} with its verification pattern. */
    static void fill(MemorySegment message, long seq, int length) {
        MemorySegment.copy(Pattern.BYTES, seq % 251, message, 8, length - 16);
    }

    /** {@return the index of the first byte of the copy that breaks message {@code seq}'s pattern, or -1} */
    static int firstDamaged(MemorySegment copy, long seq, int length) {
        long from = seq % 251;
        long at = MemorySegment.mismatch(copy, 8, length - 8, Pattern.BYTES, from, from + length - 16);
        return at < 0 ? -1 : (int) (8 + at);
    }
}
