package io.jshm.sync;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The record the seqlock tests publish: {@value #FIELDS} longs derived from one counter x, so a
 * reader can tell a whole record from a torn one: field 0 is x, field 1 is {@code ~x}, field i is
 * {@code x * (2i + 1) ^ (i << 56)}. The writer stores them one by one, so without the seqlock a
 * reader overlapping a write would see fields of two different records.
 */
final class SeqPayload {
    private SeqPayload() {
    }

    static final int FIELDS = 8;
    static final int BYTES = FIELDS * Long.BYTES;

    static long field(long x, int i) {
        return switch (i) {
            case 0 -> x;
            case 1 -> ~x;
            default -> x * (2L * i + 1) ^ ((long) i << 56);
        };
    }

    static void write(MemorySegment payload, long x) {
        for (int i = 0; i < FIELDS; i++) {
            payload.set(ValueLayout.JAVA_LONG, (long) i * Long.BYTES, field(x, i));
        }
    }

    static void readFields(MemorySegment payload, long[] into) {
        for (int i = 0; i < FIELDS; i++) {
            into[i] = payload.get(ValueLayout.JAVA_LONG, (long) i * Long.BYTES);
        }
    }

    /** Counts reads, how often x changed between reads, and torn or backward records. */
    static final class Tally {
        private final long[] fields = new long[FIELDS];
        private long reads;
        private long changes;
        private long torn;
        private long lastX = -1;
        private String firstTorn = "none";

        void check(MemorySegment copy) {
            readFields(copy, fields);
            check(fields);
        }

        void check(long[] record) {
            reads++;
            long x = record[0];
            for (int i = 1; i < FIELDS; i++) {
                if (record[i] != field(x, i)) {
                    fail("torn record at read " + reads + ": x=" + x + " field " + i + "=" + record[i]
                            + ", expected " + field(x, i));
                    return;
                }
            }
            if (x < lastX) {
                fail("x went backwards at read " + reads + ": " + lastX + " then " + x);
            } else if (x != lastX) {
                changes++;
            }
            lastX = x;
        }

        private void fail(String what) {
            if (torn++ == 0) {
                firstTorn = what;
            }
        }

        long reads() {
            return reads;
        }

        long changes() {
            return changes;
        }

        long torn() {
            return torn;
        }

        String firstTorn() {
            return firstTorn;
        }

        long lastX() {
            return lastX;
        }
    }
}
