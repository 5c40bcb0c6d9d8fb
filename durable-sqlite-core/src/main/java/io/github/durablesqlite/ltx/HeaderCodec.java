package io.github.durablesqlite.ltx;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Byte layout of the 100-byte LTX header (big-endian; bytes 80-99 reserved, written as zero). */
final class HeaderCodec {

    static final byte[] MAGIC = "LTX1".getBytes(StandardCharsets.US_ASCII);

    static final int FLAGS = 4;
    static final int PAGE_SIZE = 8;
    static final int COMMIT = 12;
    static final int MIN_TXID = 16;
    static final int MAX_TXID = 24;
    static final int TIMESTAMP = 32;
    static final int PRE_APPLY_CHECKSUM = 40;
    static final int WAL_OFFSET = 48;
    static final int WAL_SIZE = 56;
    static final int WAL_SALT1 = 64;
    static final int WAL_SALT2 = 68;
    static final int NODE_ID = 72;
    static final int RESERVED = 80;

    private HeaderCodec() {
    }

    static byte[] encode(LtxHeader h) {
        ByteBuffer b = ByteBuffer.allocate(LtxHeader.SIZE); // big-endian by default
        b.put(MAGIC)
                .putInt(h.flags())
                .putInt(h.pageSize())
                .putInt(h.commit())
                .putLong(h.minTxid())
                .putLong(h.maxTxid())
                .putLong(h.timestamp())
                .putLong(h.preApplyChecksum())
                .putLong(h.walOffset())
                .putLong(h.walSize())
                .putInt(h.walSalt1())
                .putInt(h.walSalt2())
                .putLong(h.nodeId());
        return b.array();
    }

    static boolean hasMagic(byte[] b) {
        return Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** Reads the fields without judging them; see {@link LtxHeader#problem()}. */
    static LtxHeader decode(byte[] b) {
        ByteBuffer in = ByteBuffer.wrap(b);
        return new LtxHeader(in.getInt(FLAGS), in.getInt(PAGE_SIZE), in.getInt(COMMIT),
                in.getLong(MIN_TXID), in.getLong(MAX_TXID), in.getLong(TIMESTAMP),
                in.getLong(PRE_APPLY_CHECKSUM), in.getLong(WAL_OFFSET), in.getLong(WAL_SIZE),
                in.getInt(WAL_SALT1), in.getInt(WAL_SALT2), in.getLong(NODE_ID));
    }
}
