package io.github.durablesqlite.ltx;

import java.io.IOException;
import net.jpountz.lz4.LZ4Exception;

/**
 * Reads the compressed body of one page frame, after its page header, in whichever encoding the
 * header's flags name. Like the writer, it feeds the file checksum with the size prefix of the
 * block encoding; the caller adds the page header and the uncompressed page.
 */
final class PageFrameReader {

    private final LtxInput in;
    private final int pageSize;
    private final byte[] compressed;
    private final byte[] sizePrefix = new byte[PageFrameWriter.SIZE_PREFIX];
    private final Lz4FrameReader frameReader;

    PageFrameReader(LtxInput in, int pageSize) {
        this.in = in;
        this.pageSize = pageSize;
        this.compressed = new byte[Lz4.maxCompressedLength(pageSize)];
        this.frameReader = new Lz4FrameReader(in, pageSize);
    }

    void read(int pgno, int flags, byte[] page, Crc64 crc) throws IOException {
        if (flags == PageEncoding.FRAME.pageFlags()) {
            frameReader.read(pgno, page);
        } else {
            readBlock(pgno, page, crc);
        }
    }

    private void readBlock(int pgno, byte[] page, Crc64 crc) throws IOException {
        long at = in.position();
        in.readFully(sizePrefix, 0, sizePrefix.length, "the compressed size", pgno);
        crc.update(sizePrefix, 0, sizePrefix.length);
        int size = PageFrameWriter.getInt(sizePrefix, 0);
        // No LZ4 encoder produces more than the bound for one page; a larger size is corruption,
        // and trusting it would let a damaged file demand an arbitrarily large buffer.
        if (size <= 0 || size > compressed.length) {
            throw in.fail(at, "page " + pgno + ": compressed size " + Integer.toUnsignedString(size)
                    + " is impossible for a page of " + pageSize + " bytes (1.." + compressed.length + ")");
        }
        in.readFully(compressed, 0, size, "the LZ4 block", pgno);
        int n;
        try {
            n = Lz4.DECOMPRESSOR.decompress(compressed, 0, size, page, 0, pageSize);
        } catch (LZ4Exception e) {
            throw in.fail(at + sizePrefix.length, "page " + pgno + ": corrupt LZ4 block of " + size + " bytes ("
                    + e.getMessage() + ")", e);
        }
        if (n != pageSize) {
            throw in.fail(at + sizePrefix.length, "page " + pgno + ": LZ4 block decompresses to " + n
                    + " bytes, expected the page size " + pageSize);
        }
    }
}
