package io.jshm.queue;

import java.nio.ByteOrder;

/**
 * The one record format of every queue: an 8-byte header, then the payload, padded to 8 bytes.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |R|                 length (header + payload)                   |  0
 *  +-+-------------------------------------------------------------+
 *  |                type (&gt;= 0), or -1 for padding                  |  4
 *  +---------------------------------------------------------------+
 *  |                 payload ... (length - 8 bytes)               ...  8
 *  +---------------------------------------------------------------+
 * </pre>
 * Length 0: free. MPSC: the consumer zeroes what it consumed (it first turns the header into
 * padding of the record's length, then zeroes the batch, so that a consumer dying halfway leaves
 * records its successor skips). SPSC: the consumer writes nothing into the ring; the producer
 * zeroes the header after each record it writes before it commits that record, so the header the
 * consumer reads next is zero or newer, never stale. Negative length (SPSC, MPSC): claimed,
 * not yet committed; the type field then holds the claiming process's pid. Positive: committed;
 * the producer stores length and type in one 8-byte store with release semantics (the consumer's
 * acquire load of the header pairs with it). The next record starts at the length rounded up to
 * a multiple of 8. A padding record fills the end of the ring when a record does not fit there.
 */
final class RecordLayout {
    private RecordLayout() {
    }

    static final int HEADER = 8;
    static final int LENGTH_OFFSET = 0;
    static final int TYPE_OFFSET = 4;
    static final int PADDING_TYPE = -1;
    static final int ALIGNMENT = 8;

    static int aligned(int length) {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** {@return a record header as one 8-byte word in native order: length at offset 0, type at 4} */
    static long header(int length, int type) {
        return LITTLE_ENDIAN
                ? (long) type << 32 | length & 0xFFFF_FFFFL
                : (long) length << 32 | type & 0xFFFF_FFFFL;
    }

    /** {@return the length half of a header word} */
    static int lengthOf(long header) {
        return (int) (LITTLE_ENDIAN ? header : header >>> 32);
    }

    /** {@return the type half of a header word} */
    static int typeOf(long header) {
        return (int) (LITTLE_ENDIAN ? header >>> 32 : header);
    }
}
