package io.github.durablesqlite.ltx;

import java.io.IOException;
import net.jpountz.lz4.LZ4Exception;

/**
 * Reads the single LZ4 frame that holds one page in the {@link PageEncoding#FRAME} encoding.
 * A frame has no length prefix, so this parses it field by field and reads exactly its bytes,
 * never into the next page header. It accepts any frame the LZ4 frame format allows for a page
 * (content size, block and content checksums optional; several blocks) except dictionaries and
 * linked blocks, which no LTX writer uses, and checks every checksum the frame carries.
 */
final class Lz4FrameReader {

    private static final int FLG_VERSION_MASK = 0xC0;
    private static final int FLG_VERSION_1 = 0x40;
    private static final int FLG_INDEPENDENT = 0x20;
    private static final int FLG_BLOCK_CHECKSUM = 0x10;
    private static final int FLG_CONTENT_SIZE = 0x08;
    private static final int FLG_CONTENT_CHECKSUM = 0x04;
    private static final int FLG_RESERVED = 0x02;
    private static final int FLG_DICT_ID = 0x01;
    private static final int BD_RESERVED = 0x8F;

    private final LtxInput in;
    private final byte[] scratch; // one compressed block, at most the LZ4 bound of a page
    private final byte[] small = new byte[11];

    Lz4FrameReader(LtxInput in, int pageSize) {
        this.in = in;
        this.scratch = new byte[Lz4.maxCompressedLength(pageSize)];
    }

    /** Reads the frame at the current position into {@code page}, filling it exactly. */
    void read(int pgno, byte[] page) throws IOException {
        long start = in.position();
        in.readFully(small, 0, 4, "the LZ4 frame magic", pgno);
        int magic = Lz4.getIntLE(small, 0);
        if (magic != Lz4FrameWriter.MAGIC) {
            throw in.fail(start, String.format(
                    "page %d: LZ4 frame magic is 0x%08x, expected 0x%08x", pgno, magic, Lz4FrameWriter.MAGIC));
        }
        int flg = readDescriptor(pgno);
        int blockMax = 1 << (8 + 2 * ((small[1] >> 4) & 7));

        int filled = 0;
        while (true) {
            long blockStart = in.position();
            in.readFully(small, 0, 4, "an LZ4 block size", pgno);
            int word = Lz4.getIntLE(small, 0);
            if (word == 0) {
                break;
            }
            if (filled > 0 && (flg & FLG_INDEPENDENT) == 0) {
                throw in.fail(blockStart, "page " + pgno + ": LZ4 frame has linked blocks, which are not supported");
            }
            filled += readBlock(pgno, page, filled, word, blockMax, flg, blockStart);
        }
        if (filled != page.length) {
            throw in.fail(start, "page " + pgno + ": LZ4 frame holds " + filled + " bytes, expected the page size "
                    + page.length);
        }
        if ((flg & FLG_CONTENT_CHECKSUM) != 0) {
            long at = in.position();
            in.readFully(small, 0, 4, "the LZ4 content checksum", pgno);
            int expected = Lz4.getIntLE(small, 0);
            int actual = Lz4.xxh32(page, 0, page.length);
            if (expected != actual) {
                throw in.fail(at, String.format("page %d: LZ4 content checksum is 0x%08x, computed 0x%08x",
                        pgno, expected, actual));
            }
        }
    }

    /** Reads and checks FLG, BD, the optional content size and the header checksum; returns FLG. */
    private int readDescriptor(int pgno) throws IOException {
        long at = in.position();
        in.readFully(small, 0, 2, "the LZ4 frame descriptor", pgno);
        int flg = small[0] & 0xFF;
        int bd = small[1] & 0xFF;
        if ((flg & FLG_VERSION_MASK) != FLG_VERSION_1 || (flg & FLG_RESERVED) != 0 || (bd & BD_RESERVED) != 0
                || ((bd >> 4) & 7) < 4) {
            throw in.fail(at, String.format("page %d: invalid LZ4 frame descriptor FLG=0x%02x BD=0x%02x", pgno, flg, bd));
        }
        if ((flg & FLG_DICT_ID) != 0) {
            throw in.fail(at, "page " + pgno + ": LZ4 frame needs a dictionary, which is not supported");
        }
        int len = 2;
        if ((flg & FLG_CONTENT_SIZE) != 0) {
            in.readFully(small, 2, 8, "the LZ4 content size", pgno);
            len += 8;
        }
        in.readFully(small, len, 1, "the LZ4 header checksum", pgno);
        int expected = small[len] & 0xFF;
        int actual = (Lz4.xxh32(small, 0, len) >>> 8) & 0xFF;
        if (expected != actual) {
            throw in.fail(in.position() - 1, String.format(
                    "page %d: LZ4 frame header checksum is 0x%02x, computed 0x%02x", pgno, expected, actual));
        }
        return flg;
    }

    /** Reads one data block into {@code page} at {@code filled}; returns the bytes it produced. */
    private int readBlock(int pgno, byte[] page, int filled, int word, int blockMax, int flg, long blockStart)
            throws IOException {
        boolean raw = (word & Lz4FrameWriter.RAW_BLOCK) != 0;
        int len = word & ~Lz4FrameWriter.RAW_BLOCK;
        int room = page.length - filled;
        if (len > blockMax || len > (raw ? room : scratch.length)) {
            throw in.fail(blockStart, "page " + pgno + ": LZ4 block of " + len + " bytes cannot belong to a page of "
                    + page.length + " bytes");
        }
        byte[] data = raw ? page : scratch;
        int dataOff = raw ? filled : 0;
        in.readFully(data, dataOff, len, "an LZ4 block", pgno);
        if ((flg & FLG_BLOCK_CHECKSUM) != 0) {
            in.readFully(small, 0, 4, "an LZ4 block checksum", pgno);
            if (Lz4.getIntLE(small, 0) != Lz4.xxh32(data, dataOff, len)) {
                throw in.fail(in.position() - 4, "page " + pgno + ": LZ4 block checksum mismatch");
            }
        }
        if (raw) {
            return len;
        }
        try {
            return Lz4.DECOMPRESSOR.decompress(scratch, 0, len, page, filled, room);
        } catch (LZ4Exception e) {
            throw in.fail(blockStart, "page " + pgno + ": corrupt LZ4 block (" + e.getMessage() + ")", e);
        }
    }
}
