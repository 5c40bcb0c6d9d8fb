package io.github.durablesqlite.ltx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Builds LTX files byte by byte from the format description, without the production encoder, so
 * tests can (a) hand the decoder files made another way, and (b) make files that break exactly one
 * rule while everything else, including the file checksum, is right.
 */
final class RawLtx {

    final ByteBuffer header = ByteBuffer.allocate(LtxHeader.SIZE);
    private final List<Frame> frames = new ArrayList<>();
    long postApplyChecksum;
    Long fileChecksumOverride;

    /** One page frame: the body is everything after the 6-byte page header. */
    record Frame(int pgno, int flags, byte[] body, byte[] checksummedPrefix, byte[] page) {
    }

    RawLtx(int pageSize, int commit, long minTxid, long maxTxid) {
        header.put("LTX1".getBytes(StandardCharsets.US_ASCII))
                .putInt(LtxHeader.FLAG_NO_CHECKSUM).putInt(pageSize).putInt(commit)
                .putLong(minTxid).putLong(maxTxid).putLong(1_700_000_000_000L);
    }

    /** Adds a block-encoded page (flags 1) using a literal-only LZ4 block made here. */
    RawLtx blockPage(int pgno, byte[] page) {
        return blockPage(pgno, page, literalBlock(page));
    }

    RawLtx blockPage(int pgno, byte[] page, byte[] lz4Block) {
        byte[] size = ByteBuffer.allocate(4).putInt(lz4Block.length).array();
        return frame(new Frame(pgno, 1, concat(size, lz4Block), size, page));
    }

    /** Adds a frame-encoded page (flags 0) as an LZ4 frame holding one raw (stored) block. */
    RawLtx framePage(int pgno, byte[] page) {
        return frame(new Frame(pgno, 0, rawLz4Frame(page), new byte[0], page));
    }

    RawLtx frame(Frame f) {
        frames.add(f);
        return this;
    }

    byte[] build() {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        Crc64 crc = new Crc64();
        write(file, crc, header.array());
        ByteArrayOutputStream index = new ByteArrayOutputStream();
        for (Frame f : frames) {
            long offset = file.size();
            byte[] pageHeader = ByteBuffer.allocate(6).putInt(f.pgno).putShort((short) f.flags).array();
            write(file, crc, pageHeader);
            file.writeBytes(f.body);
            crc.update(f.checksummedPrefix);
            crc.update(f.page);
            putUvarint(index, Integer.toUnsignedLong(f.pgno));
            putUvarint(index, offset);
            putUvarint(index, file.size() - offset);
        }
        write(file, crc, new byte[6]);
        putUvarint(index, 0);
        byte[] indexBytes = concat(index.toByteArray(), ByteBuffer.allocate(8).putLong(index.size()).array());
        write(file, crc, indexBytes);
        byte[] post = ByteBuffer.allocate(8).putLong(postApplyChecksum).array();
        write(file, crc, post);
        long checksum = fileChecksumOverride != null ? fileChecksumOverride : Long.MIN_VALUE | crc.value();
        file.writeBytes(ByteBuffer.allocate(8).putLong(checksum).array());
        return file.toByteArray();
    }

    /** An LZ4 block that is one literal run: valid LZ4, but not what any compressor would emit. */
    static byte[] literalBlock(byte[] data) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int len = data.length;
        b.write(Math.min(len, 15) << 4);
        if (len >= 15) {
            int rest = len - 15;
            for (; rest >= 255; rest -= 255) {
                b.write(255);
            }
            b.write(rest);
        }
        b.writeBytes(data);
        return b.toByteArray();
    }

    /** magic, FLG 0x64, BD 0x40, header checksum, one stored block, end mark, content checksum. */
    static byte[] rawLz4Frame(byte[] page) {
        ByteBuffer b = ByteBuffer.allocate(7 + 4 + page.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        byte[] descriptor = {0x64, 0x40};
        b.putInt(0x184D2204).put(descriptor).put((byte) (xxh32(descriptor) >>> 8));
        b.putInt(0x80000000 | page.length).put(page);
        b.putInt(0).putInt(xxh32(page));
        return b.array();
    }

    static int xxh32(byte[] b) {
        return XXHashFactory.safeInstance().hash32().hash(b, 0, b.length, 0);
    }

    private static void write(ByteArrayOutputStream out, Crc64 crc, byte[] b) {
        out.writeBytes(b);
        crc.update(b);
    }

    static void putUvarint(ByteArrayOutputStream out, long v) {
        while (Long.compareUnsigned(v, 0x80) >= 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
