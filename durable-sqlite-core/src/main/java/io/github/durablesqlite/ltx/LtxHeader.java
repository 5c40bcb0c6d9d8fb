package io.github.durablesqlite.ltx;

/**
 * The 100-byte header of an LTX file. TXIDs, checksums and the node id are unsigned 64-bit values
 * held in {@code long}s; the WAL salts are unsigned 32-bit values held in {@code int}s.
 *
 * @param flags            header flags; Litestream v0.5 writes only {@link #FLAG_NO_CHECKSUM}
 * @param pageSize         database page size in bytes, a power of two from 512 to 65536
 * @param commit           database size in pages after this file is applied
 * @param minTxid          first transaction in the file; 1 makes the file a snapshot
 * @param maxTxid          last transaction in the file
 * @param timestamp        creation time, milliseconds since the Unix epoch
 * @param preApplyChecksum database checksum before the file; always 0 without checksum tracking
 * @param walOffset        offset in the WAL of the first frame the file was made from, else 0
 * @param walSize          bytes of WAL the file was made from, else 0
 * @param walSalt1         salt 1 of that WAL, else 0
 * @param walSalt2         salt 2 of that WAL, else 0
 * @param nodeId           id of the node that wrote the file, 0 if unset
 */
public record LtxHeader(int flags, int pageSize, int commit, long minTxid, long maxTxid, long timestamp,
                        long preApplyChecksum, long walOffset, long walSize, int walSalt1, int walSalt2,
                        long nodeId) {

    public static final int SIZE = 100;

    /**
     * The file carries no database checksums (pre- and post-apply checksums are zero). Litestream
     * v0.5 sets it on every file it writes, and its restore cannot combine files without it.
     */
    public static final int FLAG_NO_CHECKSUM = 2;

    public static final int MIN_PAGE_SIZE = 512;
    public static final int MAX_PAGE_SIZE = 65536;

    /** SQLite's PENDING_BYTE: the page holding it (the lock page) is never stored in a database. */
    private static final int PENDING_BYTE = 0x40000000;

    /** A header with the no-checksum flag and no WAL position, as Litestream writes compactions. */
    public static LtxHeader of(int pageSize, int commit, long minTxid, long maxTxid, long timestamp) {
        return new LtxHeader(FLAG_NO_CHECKSUM, pageSize, commit, minTxid, maxTxid, timestamp, 0, 0, 0, 0, 0, 0);
    }

    /** A copy recording the WAL segment the file was made from (Litestream does so for level 0). */
    public LtxHeader withWal(long walOffset, long walSize, int salt1, int salt2) {
        return new LtxHeader(flags, pageSize, commit, minTxid, maxTxid, timestamp, preApplyChecksum,
                walOffset, walSize, salt1, salt2, nodeId);
    }

    /** A snapshot starts at TXID 1 and therefore must hold every page of the database. */
    public boolean isSnapshot() {
        return minTxid == 1;
    }

    /** The page number SQLite never uses: the page containing byte offset 1 GiB. */
    public static int lockPage(int pageSize) {
        return PENDING_BYTE / pageSize + 1;
    }

    public int lockPage() {
        return lockPage(pageSize);
    }

    /** Litestream's name for this file: {@code <minTXID>-<maxTXID>.ltx}, 16 lower-case hex digits each. */
    public String fileName() {
        return String.format("%016x-%016x.ltx", minTxid, maxTxid);
    }

    static boolean isValidPageSize(int pageSize) {
        return pageSize >= MIN_PAGE_SIZE && pageSize <= MAX_PAGE_SIZE && Integer.bitCount(pageSize) == 1;
    }

    /** What is wrong with a header, and the byte offset of the field at fault. */
    record Problem(int offset, String message) {
    }

    /**
     * The first rule this header breaks, or {@code null}. These are the rules of superfly/ltx's
     * {@code Header.Validate} for files without checksum tracking, plus two that Litestream's
     * encoder enforces in practice: the flags must be exactly {@link #FLAG_NO_CHECKSUM} and
     * {@code commit} must not be 0.
     */
    Problem problem() {
        if (flags != FLAG_NO_CHECKSUM) {
            return new Problem(HeaderCodec.FLAGS, String.format(
                    "header flags are 0x%08x, expected 0x%08x (no checksum); files that track database "
                            + "checksums are not written or restorable by Litestream v0.5", flags, FLAG_NO_CHECKSUM));
        }
        if (!isValidPageSize(pageSize)) {
            return new Problem(HeaderCodec.PAGE_SIZE, "page size " + Integer.toUnsignedString(pageSize)
                    + " is not a power of two from 512 to 65536");
        }
        if (commit == 0) {
            return new Problem(HeaderCodec.COMMIT, "commit (database size in pages) is 0");
        }
        if (minTxid == 0) {
            return new Problem(HeaderCodec.MIN_TXID, "min TXID is 0");
        }
        if (maxTxid == 0) {
            return new Problem(HeaderCodec.MAX_TXID, "max TXID is 0");
        }
        if (Long.compareUnsigned(minTxid, maxTxid) > 0) {
            return new Problem(HeaderCodec.MIN_TXID, String.format(
                    "min TXID %016x is greater than max TXID %016x", minTxid, maxTxid));
        }
        if (preApplyChecksum != 0) {
            return new Problem(HeaderCodec.PRE_APPLY_CHECKSUM, String.format(
                    "pre-apply checksum is %016x, expected 0 with the no-checksum flag", preApplyChecksum));
        }
        return walProblem();
    }

    private Problem walProblem() {
        if (walOffset < 0) {
            return new Problem(HeaderCodec.WAL_OFFSET, "WAL offset " + walOffset + " is negative");
        }
        if (walSize < 0) {
            return new Problem(HeaderCodec.WAL_SIZE, "WAL size " + walSize + " is negative");
        }
        if (walOffset == 0 && (walSalt1 != 0 || walSalt2 != 0)) {
            return new Problem(HeaderCodec.WAL_SALT1, "WAL salts are set but the WAL offset is 0");
        }
        if (walOffset == 0 && walSize != 0) {
            return new Problem(HeaderCodec.WAL_SIZE, "WAL size " + walSize + " is set but the WAL offset is 0");
        }
        return null;
    }
}
