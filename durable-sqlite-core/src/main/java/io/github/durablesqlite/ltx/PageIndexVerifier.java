package io.github.durablesqlite.ltx;

import java.io.IOException;

/**
 * Checks a file's page index against the page frames the decoder actually read. The decoder must
 * stay within O(page) memory however large the file, so instead of keeping every frame's position
 * it keeps a CRC-64 of the sequence {@code (pgno, offset, size)} and compares it with the same CRC
 * over the index entries. The entry count and the chaining of offsets are checked one by one, so
 * the common faults are still reported precisely.
 */
final class PageIndexVerifier {

    private final Crc64 frames = new Crc64();
    private final byte[] entry = new byte[3 * Long.BYTES];
    private long frameCount;

    /** Records a frame the decoder read: its page, start offset and length in bytes. */
    void addFrame(int pgno, long offset, long size) {
        hashEntry(frames, Integer.toUnsignedLong(pgno), offset, size);
        frameCount++;
    }

    /** Reads the index at the current position and checks it, feeding its bytes to the file checksum. */
    void verify(LtxInput in, Crc64 fileCrc) throws IOException {
        long indexStart = in.position();
        Crc64 entries = new Crc64();
        long count = 0;
        long nextOffset = LtxHeader.SIZE;
        while (true) {
            long at = in.position();
            long pgno = Uvarint.read(in, fileCrc, "the page index");
            if (pgno == 0) {
                break;
            }
            long offset = Uvarint.read(in, fileCrc, "the page index");
            long size = Uvarint.read(in, fileCrc, "the page index");
            count++;
            if (count > frameCount) {
                throw in.fail(at, "page index lists more pages than the " + frameCount + " page frames in the file");
            }
            if (offset != nextOffset) {
                throw in.fail(at, "page index entry " + count + " (page " + pgno + ") gives frame offset " + offset
                        + ", but the frames before it end at byte " + nextOffset);
            }
            hashEntry(entries, pgno, offset, size);
            nextOffset = offset + size;
        }
        if (count != frameCount) {
            throw in.fail(indexStart, "page index lists " + count + " pages, but the file has " + frameCount
                    + " page frames");
        }
        if (entries.value() != frames.value()) {
            throw in.fail(indexStart, "page index does not match the page frames (a page number or frame size differs)");
        }
        verifyLength(in, fileCrc, indexStart);
    }

    private static void verifyLength(LtxInput in, Crc64 fileCrc, long indexStart) throws IOException {
        long at = in.position();
        byte[] b = new byte[Long.BYTES];
        in.readFully(b, 0, b.length, "the page index length");
        fileCrc.update(b, 0, b.length);
        long declared = 0;
        for (byte x : b) {
            declared = declared << 8 | (x & 0xFF);
        }
        long actual = at - indexStart;
        if (declared != actual) {
            throw in.fail(at, "page index length field is " + Long.toUnsignedString(declared)
                    + ", but the index is " + actual + " bytes");
        }
    }

    private void hashEntry(Crc64 crc, long pgno, long offset, long size) {
        putLong(entry, 0, pgno);
        putLong(entry, 8, offset);
        putLong(entry, 16, size);
        crc.update(entry, 0, entry.length);
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
