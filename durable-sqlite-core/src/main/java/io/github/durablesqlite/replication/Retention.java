package io.github.durablesqlite.replication;

import io.github.durablesqlite.replica.LtxFileInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which files the replica no longer needs, from the in-memory index and the clock alone.
 *
 * <p>The promise kept: a restore to any point in the last {@code retention} works, at the
 * granularity of level 1 (and of every TXID within {@code l0Retention}). The oldest such point
 * needs the newest snapshot taken at or before it, the <em>anchor</em>; every later restore plan
 * starts from the anchor or a newer snapshot and uses only files that end after it. So a file goes
 * when all of these hold:
 * <ul>
 *   <li>snapshots: it is older than the anchor;
 *   <li>levels 0-8: it ends at or before the anchor, or (level 0 only) it is older than
 *       {@code l0Retention}, up to the end of a level-1 file; and the level above already covers
 *       it, so compaction never finds a hole below it; and it is not the newest file of its level
 *       (the newest level-0 file carries the WAL position a restart continues from);
 *   <li>and no restore in this process is reading it.
 * </ul>
 * Litestream deletes snapshots older than the retention and lower levels up to the last deleted
 * snapshot; this keeps one more snapshot, so the oldest retained point stays restorable.
 */
final class Retention {
    private final HistoryOptions options;
    private final ReadLeases leases;

    Retention(HistoryOptions options, ReadLeases leases) {
        this.options = options;
        this.leases = leases;
    }

    List<LtxFileInfo> expired(ReplicaIndex index, Instant now) {
        Instant cutoff = now.minus(options.retention());
        LtxFileInfo anchor = null;
        for (LtxFileInfo snapshot : index.files(HistoryOptions.SNAPSHOT_LEVEL)) {
            if (snapshot.createdAt() != null && !snapshot.createdAt().isAfter(cutoff)
                    && (anchor == null || snapshot.maxTxid() >= anchor.maxTxid())) {
                anchor = snapshot;
            }
        }
        long anchorTxid = anchor == null ? 0 : anchor.maxTxid();
        List<LtxFileInfo> expired = new ArrayList<>();
        if (anchor != null) {
            for (LtxFileInfo snapshot : index.files(HistoryOptions.SNAPSHOT_LEVEL)) {
                if (snapshot.maxTxid() < anchorTxid && !leases.isLeased(snapshot)) {
                    expired.add(snapshot);
                }
            }
        }
        long level0Limit = level0Limit(index, now.minus(options.l0Retention()));
        for (int level = 0; level < HistoryOptions.SNAPSHOT_LEVEL; level++) {
            List<LtxFileInfo> files = index.files(level);
            long covered = coveredUpTo(index, level, anchorTxid);
            for (int i = 0; i < files.size() - 1; i++) {
                LtxFileInfo file = files.get(i);
                boolean unneeded = file.maxTxid() <= anchorTxid || (level == 0 && file.maxTxid() <= level0Limit);
                if (unneeded && file.maxTxid() <= covered && !leases.isLeased(file)) {
                    expired.add(file);
                }
            }
        }
        return expired;
    }

    /**
     * Level-0 files up to this TXID are older than the level-0 window. The limit is the end of a
     * level-1 file, so every TXID after it stays restorable: a plan reaches it through level 1 and
     * continues with the level-0 files kept after it. Cutting in the middle of a level-1 file would
     * leave TXIDs that neither level could reach.
     */
    private long level0Limit(ReplicaIndex index, Instant cutoff) {
        if (options.topLevel() == 0) {
            return 0;
        }
        long old = 0;
        for (LtxFileInfo file : index.files(0)) {
            if (file.createdAt() == null || file.createdAt().isAfter(cutoff)) {
                break;
            }
            old = file.maxTxid();
        }
        long limit = 0;
        for (LtxFileInfo file : index.files(1)) {
            if (file.maxTxid() <= old) {
                limit = Math.max(limit, file.maxTxid());
            }
        }
        return limit;
    }

    /** How far the level that merges {@code level}'s files reaches: the next level, or snapshots above the top. */
    private long coveredUpTo(ReplicaIndex index, int level, long anchorTxid) {
        if (level < options.topLevel()) {
            return index.maxTxid(level + 1);
        }
        return anchorTxid;
    }
}
