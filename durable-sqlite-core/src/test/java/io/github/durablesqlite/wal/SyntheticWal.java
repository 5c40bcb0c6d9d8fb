package io.github.durablesqlite.wal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Builds WAL files byte by byte, with checksums from {@link ReferenceChecksum}. */
final class SyntheticWal {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final boolean bigEndian;
    private final int pageSize;
    private final int salt1;
    private final int salt2;
    private ReferenceChecksum sum;

    SyntheticWal(boolean bigEndian, int pageSize, int salt1, int salt2) {
        this(bigEndian, pageSize, pageSize, salt1, salt2);
    }

    /** {@code storedPageSize} is what goes into the header, e.g. 1 for 65536. */
    SyntheticWal(boolean bigEndian, int pageSize, int storedPageSize, int salt1, int salt2) {
        this.bigEndian = bigEndian;
        this.pageSize = pageSize;
        this.salt1 = salt1;
        this.salt2 = salt2;
        byte[] header = header(bigEndian ? WalHeader.MAGIC_BIG_ENDIAN : WalHeader.MAGIC_LITTLE_ENDIAN,
                WalHeader.FORMAT_VERSION, storedPageSize, 7, salt1, salt2);
        out.writeBytes(header);
        sum = new ReferenceChecksum(bigEndian, intAt(header, 24), intAt(header, 28));
    }

    /** A header with a correct checksum for whatever fields are given. */
    static byte[] header(int magic, int version, int storedPageSize, int checkpointSequence, int salt1, int salt2) {
        ByteBuffer b = ByteBuffer.allocate(WalHeader.SIZE)
                .putInt(magic).putInt(version).putInt(storedPageSize).putInt(checkpointSequence)
                .putInt(salt1).putInt(salt2);
        ReferenceChecksum sum = new ReferenceChecksum((magic & 1) == 1, 0, 0).add(b.array(), 0, 24);
        b.putInt(sum.s1()).putInt(sum.s2());
        return b.array();
    }

    /** Appends a valid frame: current salts, chained checksum. */
    SyntheticWal frame(int pageNumber, int commitSize, byte[] page) {
        return frame(pageNumber, commitSize, page, salt1, salt2);
    }

    /** Appends a frame with the given salts; the checksum still chains, so only the salts can make it invalid. */
    SyntheticWal frame(int pageNumber, int commitSize, byte[] page, int frameSalt1, int frameSalt2) {
        if (page.length != pageSize) {
            throw new IllegalArgumentException("page is " + page.length + " bytes, expected " + pageSize);
        }
        ByteBuffer h = ByteBuffer.allocate(WalFrameHeader.SIZE)
                .putInt(pageNumber).putInt(commitSize).putInt(frameSalt1).putInt(frameSalt2);
        sum.add(h.array(), 0, 8).add(page, 0, page.length);
        h.putInt(sum.s1()).putInt(sum.s2());
        out.writeBytes(h.array());
        out.writeBytes(page);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static byte[] page(int pageSize, int fill) {
        byte[] p = new byte[pageSize];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (fill * 31 + i * 7);
        }
        return p;
    }

    /**
     * Rewrites a WAL with checksums in the other word order: new magic, new header checksum, and new
     * checksums for every frame that was valid (right salts, chained checksum) in the original.
     * Frames from the first invalid one on are copied unchanged.
     */
    static byte[] reencode(byte[] wal, boolean bigEndian) {
        byte[] result = wal.clone();
        boolean wasBigEndian = (intAt(wal, 0) & 1) == 1;
        int pageSize = intAt(wal, 8);
        int frameSize = WalFrameHeader.SIZE + pageSize;
        ByteBuffer r = ByteBuffer.wrap(result);
        r.putInt(0, bigEndian ? WalHeader.MAGIC_BIG_ENDIAN : WalHeader.MAGIC_LITTLE_ENDIAN);
        ReferenceChecksum newHeaderSum = new ReferenceChecksum(bigEndian, 0, 0).add(result, 0, 24);
        r.putInt(24, newHeaderSum.s1()).putInt(28, newHeaderSum.s2());

        ReferenceChecksum oldSum = new ReferenceChecksum(wasBigEndian, intAt(wal, 24), intAt(wal, 28));
        ReferenceChecksum newSum = new ReferenceChecksum(bigEndian, newHeaderSum.s1(), newHeaderSum.s2());
        for (int at = WalHeader.SIZE; at + frameSize <= wal.length; at += frameSize) {
            if (intAt(wal, at + 8) != intAt(wal, 16) || intAt(wal, at + 12) != intAt(wal, 20)) {
                break;
            }
            oldSum.add(wal, at, 8).add(wal, at + WalFrameHeader.SIZE, pageSize);
            if (oldSum.s1() != intAt(wal, at + 16) || oldSum.s2() != intAt(wal, at + 20)) {
                break;
            }
            newSum.add(wal, at, 8).add(wal, at + WalFrameHeader.SIZE, pageSize);
            r.putInt(at + 16, newSum.s1()).putInt(at + 20, newSum.s2());
        }
        return result;
    }

    static int intAt(byte[] b, int offset) {
        return ByteBuffer.wrap(b).getInt(offset);
    }
}
