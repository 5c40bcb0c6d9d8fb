package io.github.durablesqlite.replication;

import io.github.durablesqlite.RestoreException;
import io.github.durablesqlite.replica.LtxFileInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses the files a restore reads: a chain of files covering every TXID from 1 to the target,
 * taking at each step the file that reaches furthest (so snapshots and compacted levels replace
 * long runs of per-sync files, and the plan has the fewest files).
 */
final class RestorePlanner {
    private RestorePlanner() {}

    /** The newest TXID whose file was created at or before {@code timestamp}; 0 if none. */
    static long txidAt(List<LtxFileInfo> files, Instant timestamp) {
        long best = 0;
        for (LtxFileInfo file : files) {
            if (file.createdAt() != null && !file.createdAt().isAfter(timestamp)) {
                best = Math.max(best, file.maxTxid());
            }
        }
        return best;
    }

    static long maxTxid(List<LtxFileInfo> files) {
        return files.stream().mapToLong(LtxFileInfo::maxTxid).max().orElse(0);
    }

    static List<LtxFileInfo> plan(List<LtxFileInfo> files, long target, String replica) {
        return planFrom(files, 0, target, replica);
    }

    /**
     * The chain from the state at {@code from} (0: nothing yet) to {@code target}. A file may start
     * at or before the next TXID as long as it ends after the current one: it holds each of its
     * pages as of its max TXID, so re-applying the TXIDs it shares with the state is harmless. That
     * is how a plan continues from a snapshot taken in the middle of a compacted file's range.
     * Greedy interval covering: the furthest-reaching file at each step gives the fewest files.
     */
    static List<LtxFileInfo> planFrom(List<LtxFileInfo> files, long from, long target, String replica) {
        List<LtxFileInfo> usable = new ArrayList<>();
        for (LtxFileInfo file : files) {
            if (Long.compareUnsigned(file.maxTxid(), target) <= 0 && Long.compareUnsigned(file.maxTxid(), from) > 0) {
                usable.add(file);
            }
        }
        usable.sort(Comparator.comparingLong(LtxFileInfo::minTxid));
        List<LtxFileInfo> plan = new ArrayList<>();
        long current = from;
        int next = 0;
        while (current < target) {
            LtxFileInfo best = null;
            // Files passed over here end no later than the one chosen, so they never help later.
            while (next < usable.size() && usable.get(next).minTxid() <= current + 1) {
                LtxFileInfo file = usable.get(next++);
                if (best == null || better(file, best) == file) {
                    best = file;
                }
            }
            if (best == null) {
                throw new RestoreException(gapMessage(files, current + 1, target, replica));
            }
            plan.add(best);
            current = best.maxTxid();
        }
        return plan;
    }

    /** Reaches further; on a tie, the higher level (fewer, larger files live there). */
    private static LtxFileInfo better(LtxFileInfo a, LtxFileInfo b) {
        Comparator<LtxFileInfo> order = Comparator.comparingLong(LtxFileInfo::maxTxid)
                .thenComparingInt(LtxFileInfo::level);
        return order.compare(a, b) >= 0 ? a : b;
    }

    private static String gapMessage(List<LtxFileInfo> files, long missing, long target, String replica) {
        long nextAvailable = files.stream().mapToLong(LtxFileInfo::minTxid)
                .filter(min -> min > missing).min().orElse(0);
        String range = nextAvailable > missing + 1 && nextAvailable <= target + 1
                ? String.format("%016x to %016x", missing, nextAvailable - 1)
                : String.format("%016x", missing);
        boolean endsPastTarget = files.stream()
                .anyMatch(f -> f.minTxid() <= missing && f.maxTxid() >= missing && f.maxTxid() > target);
        if (endsPastTarget) {
            return String.format("replica %s has no file ending at TXID %016x (files there cover several TXIDs); "
                    + "choose a TXID listed by 'durable-sqlite ltx'", replica, target);
        }
        return String.format("replica %s is missing TXID %s: the chain of LTX files has a gap, so the state at "
                + "TXID %016x cannot be rebuilt; restore an earlier TXID or timestamp", replica, range, target);
    }
}
