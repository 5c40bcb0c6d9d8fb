package io.github.durablesqlite.ltx;

/**
 * Writes one database page as one complete LZ4 frame, byte for byte the way superfly/ltx before
 * 0.5.2 did through pierrec/lz4: version 1, independent blocks, no block checksums, no content
 * size, a content checksum, 64 KiB maximum block size. A page is at most 64 KiB, so the frame
 * holds exactly one block, stored raw when compression would not make it smaller.
 *
 * <p>The content checksum is not optional in practice: superfly/ltx 0.5.2 reads such a frame and
 * then allows itself exactly 8 more bytes (end mark and content checksum) before the next page
 * header; a frame without the checksum would make it read into the next page.
 */
final class Lz4FrameWriter {

    static final int MAGIC = 0x184D2204;
    /** FLG: version 01, block independence, content checksum. */
    static final int FLG = 0x64;
    /** BD: maximum block size 64 KiB (index 4). */
    static final int BD = 0x40;
    static final int RAW_BLOCK = 0x80000000;

    private static final int DESCRIPTOR_SIZE = 7; // magic, FLG, BD, header checksum
    /** Header checksum: second byte of xxHash32 over FLG and BD; a constant for fixed flags. */
    private static final byte HEADER_CHECKSUM = (byte) (Lz4.xxh32(new byte[] {FLG, BD}, 0, 2) >>> 8);

    private Lz4FrameWriter() {
    }

    /** Bytes a frame for a page of {@code pageSize} can take at most. */
    static int maxFrameLength(int pageSize) {
        return DESCRIPTOR_SIZE + 4 + Lz4.maxCompressedLength(pageSize) + 4 + 4;
    }

    /** Writes the frame for {@code page} at {@code dst[off]}; returns its length. */
    static int write(byte[] page, byte[] dst, int off) {
        int p = off;
        Lz4.putIntLE(dst, p, MAGIC);
        dst[p + 4] = (byte) FLG;
        dst[p + 5] = (byte) BD;
        dst[p + 6] = HEADER_CHECKSUM;
        p += DESCRIPTOR_SIZE;

        int data = p + 4;
        int n = Lz4.COMPRESSOR.compress(page, 0, page.length, dst, data, dst.length - data);
        if (n < page.length) {
            Lz4.putIntLE(dst, p, n);
        } else {
            System.arraycopy(page, 0, dst, data, page.length);
            n = page.length;
            Lz4.putIntLE(dst, p, RAW_BLOCK | n);
        }
        p = data + n;

        Lz4.putIntLE(dst, p, 0); // end mark
        Lz4.putIntLE(dst, p + 4, Lz4.xxh32(page, 0, page.length));
        return p + 8 - off;
    }
}
