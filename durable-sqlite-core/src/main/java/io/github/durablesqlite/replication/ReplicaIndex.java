package io.github.durablesqlite.replication;

import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * What the replica holds, kept in memory by its only writer: listed once when replication joins
 * the replica, then updated by every upload, compaction and deletion. Compaction, snapshots and
 * retention decide from it, so an idle database costs no listing requests. Thread-safe.
 */
final class ReplicaIndex {
    private static final Comparator<LtxFileInfo> ORDER = Comparator
            .comparingLong(LtxFileInfo::minTxid).thenComparingLong(LtxFileInfo::maxTxid);

    @SuppressWarnings("unchecked")
    private final TreeSet<LtxFileInfo>[] levels = new TreeSet[HistoryOptions.SNAPSHOT_LEVEL + 1];

    ReplicaIndex(Collection<LtxFileInfo> files) {
        for (int level = 0; level < levels.length; level++) {
            levels[level] = new TreeSet<>(ORDER);
        }
        for (LtxFileInfo file : files) {
            levels[file.level()].add(file);
        }
    }

    static ReplicaIndex load(ReplicaClient client) throws IOException {
        return new ReplicaIndex(ReplicaInspector.allFiles(client, false));
    }

    synchronized void add(LtxFileInfo file) {
        TreeSet<LtxFileInfo> level = levels[file.level()];
        level.removeIf(f -> f.minTxid() == file.minTxid() && f.maxTxid() == file.maxTxid());
        level.add(file);
    }

    synchronized void removeAll(Collection<LtxFileInfo> files) {
        for (LtxFileInfo file : files) {
            levels[file.level()].remove(file);
        }
    }

    /** A level's files, ascending by TXID. */
    synchronized List<LtxFileInfo> files(int level) {
        return new ArrayList<>(levels[level]);
    }

    /** Every file of every level. */
    synchronized List<LtxFileInfo> all() {
        List<LtxFileInfo> all = new ArrayList<>();
        for (TreeSet<LtxFileInfo> level : levels) {
            all.addAll(level);
        }
        return all;
    }

    /** The newest file of a level, or null. */
    synchronized LtxFileInfo last(int level) {
        return levels[level].isEmpty() ? null : levels[level].last();
    }

    /** The highest TXID a level reaches, 0 when it is empty. */
    synchronized long maxTxid(int level) {
        long max = 0;
        for (LtxFileInfo file : levels[level]) {
            max = Math.max(max, file.maxTxid());
        }
        return max;
    }

    /** The highest TXID in the replica, 0 when it is empty. */
    synchronized long maxTxid() {
        long max = 0;
        for (int level = 0; level < levels.length; level++) {
            max = Math.max(max, maxTxid(level));
        }
        return max;
    }
}
