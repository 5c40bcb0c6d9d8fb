package io.github.durablesqlite.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The WAL checksum written straight from the file-format document, with 64-bit arithmetic and
 * explicit masking instead of the production code's int overflow: an independent oracle for
 * building synthetic WALs, so a bug in {@link WalChecksum} cannot hide behind itself.
 */
final class ReferenceChecksum {
    private static final long MASK = 0xffffffffL;
    private long s1;
    private long s2;
    private final ByteOrder order;

    ReferenceChecksum(boolean bigEndian, int s1, int s2) {
        this.order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        this.s1 = s1 & MASK;
        this.s2 = s2 & MASK;
    }

    ReferenceChecksum add(byte[] bytes, int offset, int length) {
        ByteBuffer words = ByteBuffer.wrap(bytes, offset, length).order(order);
        while (words.hasRemaining()) {
            long x0 = words.getInt() & MASK;
            long x1 = words.getInt() & MASK;
            s1 = (s1 + x0 + s2) & MASK;
            s2 = (s2 + x1 + s1) & MASK;
        }
        return this;
    }

    int s1() {
        return (int) s1;
    }

    int s2() {
        return (int) s2;
    }
}
