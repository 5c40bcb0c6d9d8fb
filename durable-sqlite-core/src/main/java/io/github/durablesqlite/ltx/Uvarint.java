package io.github.durablesqlite.ltx;

import java.io.IOException;

/**
 * Go's {@code encoding/binary} unsigned varints, used by the page index: 7 bits a byte, least
 * significant group first, high bit set on every byte but the last, at most 10 bytes.
 */
final class Uvarint {

    static final int MAX_LENGTH = 10;

    private Uvarint() {
    }

    /** Writes {@code v} (taken as unsigned) at {@code b[pos]}; returns the position after it. */
    static int put(byte[] b, int pos, long v) {
        while (Long.compareUnsigned(v, 0x80) >= 0) {
            b[pos++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        b[pos++] = (byte) v;
        return pos;
    }

    /** Reads one varint, adding its bytes to the file checksum; rejects overlong ones as Go does. */
    static long read(LtxInput in, Crc64 crc, String what) throws IOException {
        long start = in.position();
        long v = 0;
        for (int i = 0; i < MAX_LENGTH; i++) {
            int b = in.readByte(what);
            crc.update(b);
            if (b < 0x80) {
                if (i == MAX_LENGTH - 1 && b > 1) {
                    break;
                }
                return v | (long) b << (7 * i);
            }
            v |= (long) (b & 0x7F) << (7 * i);
        }
        throw in.fail(start, what + " is not a valid varint (overflows 64 bits)");
    }
}
