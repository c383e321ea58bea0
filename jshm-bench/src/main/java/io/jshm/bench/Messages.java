package io.jshm.bench;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What the harness's messages hold. Every message is at least 16 bytes and carries its sequence
 * number (0, 1, 2, ...) in its first and last 8 bytes; the receiver checks both, so a message
 * lost, repeated, reordered or torn at either end is caught. Control messages have a negative
 * first word: {@link #END} (the second word is the count sent), {@link #READY} and {@link #DONE}
 * (the second word is the count received). In verification runs every byte in between follows
 * {@link #pattern}, and the receiver checks them all.
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

    /** {@return byte {@code i} of message {@code seq} in a verification run} */
    static byte pattern(long seq, long i) {
        return (byte) (seq * 31 + i * 7 + 1);
    }

    /** Fills bytes 8 to length - 8 of message {@code seq} with {@link #pattern}. */
    static void fill(MemorySegment message, long seq, int length) {
        for (int i = 8; i < length - 8; i++) {
            message.set(ValueLayout.JAVA_BYTE, i, pattern(seq, i));
        }
    }

    /** {@return the index of the first byte of the copy that breaks the pattern, or -1} */
    static int firstDamaged(MemorySegment copy, long seq, int length) {
        for (int i = 8; i < length - 8; i++) {
            if (copy.get(ValueLayout.JAVA_BYTE, i) != pattern(seq, i)) {
                return i;
            }
        }
        return -1;
    }
}
