package io.github.durablesqlite.replication;

import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Finds the newest TXID whose state existed at a given time, reading object metadata only where
 * the listing cannot decide.
 *
 * <p>On S3 a listing gives LastModified, the upload time in whole seconds, which is never before
 * the file's own timestamp by more than that rounding and the clocks' skew. So a file uploaded at
 * least {@link #SKEW} before the target is certainly at or before it. Files uploaded later may
 * still be older (an upload delayed by an outage), so their exact timestamps are needed; they grow
 * with the TXID, so the answer is a prefix of them, found by first asking about the file listed just
 * after the target (usually the answer's neighbour), then probing {@link #PROBES} files at once (HEAD
 * requests in parallel) and narrowing: a few rounds even for years of files. A directory's listing is
 * exact and costs nothing more.
 */
final class TimestampSearch {
    static final Duration SKEW = Duration.ofMinutes(1);
    static final int PROBES = 16;

    private TimestampSearch() {}

    /** The newest TXID at or before {@code timestamp}; 0 if none. */
    static long txidAt(ReplicaClient client, List<LtxFileInfo> files, Instant timestamp) throws IOException {
        if (client.listsExactTimestamps()) {
            return RestorePlanner.txidAt(files, timestamp);
        }
        Instant certain = timestamp.minus(SKEW);
        long best = 0;
        for (LtxFileInfo file : files) {
            if (file.createdAt() != null && !file.createdAt().isAfter(certain)) {
                best = Math.max(best, file.maxTxid());
            }
        }
        // One file per TXID reached (the highest level: its timestamp is the same state's).
        TreeMap<Long, LtxFileInfo> byMax = new TreeMap<>();
        for (LtxFileInfo file : files) {
            if (file.maxTxid() > best) {
                byMax.merge(file.maxTxid(), file, (a, b) -> a.level() >= b.level() ? a : b);
            }
        }
        List<LtxFileInfo> candidates = new ArrayList<>(byMax.values());
        if (candidates.isEmpty()) {
            return best;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PROBES, candidates.size()), r -> {
            Thread t = new Thread(r, "durable-sqlite-timestamps");
            t.setDaemon(true);
            return t;
        });
        try {
            int lo = -1; // candidates[0..lo] are at or before the timestamp
            int hi = candidates.size(); // candidates[hi..] are after it
            // Uploads are usually prompt: the first file listed well after the target is most likely
            // after it, which narrows the search to the few files around the target at once.
            int likelyAfter = firstListedAfter(candidates, timestamp.plus(SKEW));
            if (likelyAfter < hi) {
                LtxFileInfo file = candidates.get(likelyAfter);
                if (get(pool.submit(() -> client.readTimestamp(file))).isAfter(timestamp)) {
                    hi = likelyAfter;
                } else {
                    lo = likelyAfter;
                }
            }
            while (hi - lo > 1) {
                List<Integer> probes = probes(lo, hi);
                List<Future<Instant>> results = new ArrayList<>();
                for (int i : probes) {
                    LtxFileInfo file = candidates.get(i);
                    results.add(pool.submit(() -> client.readTimestamp(file)));
                }
                for (int p = 0; p < probes.size(); p++) {
                    if (get(results.get(p)).isAfter(timestamp)) {
                        hi = probes.get(p);
                        break;
                    }
                    lo = probes.get(p);
                }
            }
            return lo >= 0 ? candidates.get(lo).maxTxid() : best;
        } finally {
            pool.shutdownNow();
        }
    }

    private static int firstListedAfter(List<LtxFileInfo> candidates, Instant instant) {
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).createdAt() != null && candidates.get(i).createdAt().isAfter(instant)) {
                return i;
            }
        }
        return candidates.size();
    }

    /** Up to PROBES indexes spread evenly over the open interval (lo, hi), ascending. */
    static List<Integer> probes(int lo, int hi) {
        int span = hi - lo - 1;
        int count = Math.min(PROBES, span);
        List<Integer> probes = new ArrayList<>(count);
        for (int k = 1; k <= count; k++) {
            int index = lo + (int) ((long) k * (span + 1) / (count + 1));
            index = Math.max(index, probes.isEmpty() ? lo + 1 : probes.get(probes.size() - 1) + 1);
            probes.add(Math.min(index, hi - 1));
        }
        return probes;
    }

    private static Instant get(Future<Instant> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading file timestamps");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("reading a file timestamp failed: " + e.getCause(), e.getCause());
        }
    }
}
