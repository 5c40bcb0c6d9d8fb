package io.github.durablesqlite.ltx;

/**
 * Builds one page frame (page header, then the compressed page) in a reusable buffer so that the
 * encoder can write it with one call. It also feeds the file checksum, which covers the page
 * header, the size prefix of the block encoding, and the page uncompressed, never the LZ4 bytes.
 */
final class PageFrameWriter {

    static final int PAGE_HEADER_SIZE = 6;
    static final int SIZE_PREFIX = 4;

    private final PageEncoding encoding;
    private final byte[] buf;
    private int length;

    PageFrameWriter(PageEncoding encoding, int pageSize) {
        this.encoding = encoding;
        int body = encoding == PageEncoding.BLOCK
                ? SIZE_PREFIX + Lz4.maxCompressedLength(pageSize)
                : Lz4FrameWriter.maxFrameLength(pageSize);
        this.buf = new byte[PAGE_HEADER_SIZE + body];
    }

    /** Encodes the frame of {@code page} and adds its checksummed bytes to {@code crc}. */
    void encode(int pgno, byte[] page, Crc64 crc) {
        putPageHeader(buf, pgno, encoding.pageFlags());
        if (encoding == PageEncoding.BLOCK) {
            int data = PAGE_HEADER_SIZE + SIZE_PREFIX;
            int n = Lz4.COMPRESSOR.compress(page, 0, page.length, buf, data, buf.length - data);
            putInt(buf, PAGE_HEADER_SIZE, n);
            length = data + n;
            crc.update(buf, 0, data);
        } else {
            length = PAGE_HEADER_SIZE + Lz4FrameWriter.write(page, buf, PAGE_HEADER_SIZE);
            crc.update(buf, 0, PAGE_HEADER_SIZE);
        }
        crc.update(page, 0, page.length);
    }

    byte[] buffer() {
        return buf;
    }

    /** Length of the last encoded frame; this is the size the page index records. */
    int length() {
        return length;
    }

    static void putPageHeader(byte[] b, int pgno, int flags) {
        putInt(b, 0, pgno);
        b[4] = (byte) (flags >>> 8);
        b[5] = (byte) flags;
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static int getInt(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }
}
