package io.github.durablesqlite.ltx;

import java.util.Arrays;

/**
 * Accumulates the page index while the encoder writes frames: for each page the varints
 * {@code pgno, frame offset, frame size}, then a zero varint, then a big-endian u64 holding the
 * length of that varint section. The index follows the pages, so it must be kept until the end;
 * stored as its final bytes it costs about 8 to 10 bytes a page (some 25 MB for a 10 GB database
 * of 4 KiB pages), far less than keeping objects per page.
 */
final class PageIndexWriter {

    private byte[] buf = new byte[256];
    private int size;

    void add(int pgno, long offset, int frameSize) {
        ensure(3 * Uvarint.MAX_LENGTH);
        size = Uvarint.put(buf, size, Integer.toUnsignedLong(pgno));
        size = Uvarint.put(buf, size, offset);
        size = Uvarint.put(buf, size, frameSize);
    }

    /** Appends the end marker and the length field; the index is then complete. */
    void finish() {
        ensure(1 + Long.BYTES);
        size = Uvarint.put(buf, size, 0);
        long varintLength = size;
        for (int i = 7; i >= 0; i--) {
            buf[size++] = (byte) (varintLength >>> (8 * i));
        }
    }

    byte[] buffer() {
        return buf;
    }

    int size() {
        return size;
    }

    private void ensure(int more) {
        if (buf.length - size < more) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
