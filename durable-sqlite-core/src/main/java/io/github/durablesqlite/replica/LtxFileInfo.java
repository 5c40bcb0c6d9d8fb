package io.github.durablesqlite.replica;

import java.time.Instant;

/**
 * One LTX file in a replica.
 *
 * <p>{@code createdAt} is the file's timestamp. On S3 it comes from the {@code litestream-timestamp}
 * user metadata when a listing asks for it, else from the object's LastModified; in a directory it
 * is the file's mtime, which the file client sets to the timestamp on write (as Litestream does).
 *
 * <p>TXIDs are unsigned 64-bit numbers; they are compared with {@link Long#compareUnsigned}.
 *
 * @param level     0 (one file per sync) to 9 (snapshots)
 * @param minTxid   first transaction in the file
 * @param maxTxid   last transaction in the file
 * @param size      size in bytes
 * @param createdAt the file's timestamp
 */
public record LtxFileInfo(int level, long minTxid, long maxTxid, long size, Instant createdAt) {

    /** The lowest level: one file per sync. */
    public static final int MIN_LEVEL = 0;

    /** The highest level, where Litestream keeps full snapshots. */
    public static final int MAX_LEVEL = 9;

    public LtxFileInfo {
        checkLevel(level);
        if (Long.compareUnsigned(minTxid, maxTxid) > 0) {
            throw new IllegalArgumentException("minTxid " + LtxFileNames.formatTxid(minTxid)
                    + " is above maxTxid " + LtxFileNames.formatTxid(maxTxid));
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }

    /** The file's name in the replica, {@code <minTxid 16 hex>-<maxTxid 16 hex>.ltx}. */
    public String fileName() {
        return LtxFileNames.format(minTxid, maxTxid);
    }

    static void checkLevel(int level) {
        if (level < MIN_LEVEL || level > MAX_LEVEL) {
            throw new IllegalArgumentException(
                    "LTX level must be between " + MIN_LEVEL + " and " + MAX_LEVEL + ": " + level);
        }
    }
}
