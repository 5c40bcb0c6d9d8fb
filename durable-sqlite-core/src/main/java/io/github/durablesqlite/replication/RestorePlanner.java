package io.github.durablesqlite.replication;

import io.github.durablesqlite.RestoreException;
import io.github.durablesqlite.replica.LtxFileInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses the files a restore reads: a chain of files with contiguous TXIDs from 1 to the target,
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
        Map<Long, LtxFileInfo> furthestFrom = new HashMap<>();
        for (LtxFileInfo file : files) {
            if (file.maxTxid() > target) {
                continue;
            }
            furthestFrom.merge(file.minTxid(), file, (a, b) -> better(a, b));
        }
        List<LtxFileInfo> plan = new ArrayList<>();
        long next = 1;
        while (next <= target) {
            LtxFileInfo file = furthestFrom.get(next);
            if (file == null) {
                throw new RestoreException(gapMessage(files, next, target, replica));
            }
            plan.add(file);
            next = file.maxTxid() + 1;
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
        boolean endsPastTarget = files.stream().anyMatch(f -> f.minTxid() == missing && f.maxTxid() > target);
        if (endsPastTarget) {
            return String.format("replica %s has no file ending at TXID %016x (files there cover several TXIDs); "
                    + "choose a TXID listed by 'durable-sqlite ltx'", replica, target);
        }
        return String.format("replica %s is missing TXID %s: the chain of LTX files has a gap, so the state at "
                + "TXID %016x cannot be rebuilt; restore an earlier TXID or timestamp", replica, range, target);
    }
}
