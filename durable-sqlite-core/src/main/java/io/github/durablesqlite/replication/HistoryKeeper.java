package io.github.durablesqlite.replication;

import io.github.durablesqlite.Verification;
import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the replica's history on its own thread: compaction of each level and snapshots when the
 * {@link CompactionSchedule} says they are due, retention after them, and restore drills on their
 * interval. Everything it decides comes from the in-memory {@link ReplicaIndex}, so nothing here
 * sends a request unless there is a file to write or delete. Times come from the injected clock;
 * the thread looks at the clock at least once a second, and tests run {@link #runDue()} directly.
 */
final class HistoryKeeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HistoryKeeper.class);
    private static final long MAX_WAIT_MILLIS = 1000;
    private static final Duration RETRY = Duration.ofSeconds(10);

    private final String name;
    private final HistoryOptions options;
    private final ReplicaClient client;
    private final ReplicaIndex index;
    private final Clock clock;
    private final ReplicationMetrics metrics;
    private final CompactionSchedule schedule;
    private final Compactor compactor;
    private final Snapshots snapshots;
    private final Retention retention;
    private final RestoreDrill drill;
    private final Object monitor = new Object();
    private volatile boolean stopping;
    private Instant drillDue;
    private Thread thread;
    private volatile String lastError;
    private int retentionFailures;

    HistoryKeeper(ReplicationOptions replication, ReplicaClient client, ReplicaIndex index, LocalLtxCache cache,
                  Path workDir, SnapshotSource source, ReadLeases leases) {
        this.name = replication.name();
        this.options = replication.history();
        this.client = client;
        this.index = index;
        this.clock = replication.clock();
        this.metrics = replication.metrics();
        this.schedule = new CompactionSchedule(options);
        this.compactor = new Compactor(client, index, cache, workDir, replication.pageEncoding(), metrics,
                () -> stopping);
        this.snapshots = new Snapshots(source, client, index, workDir, metrics);
        this.retention = new Retention(options, leases);
        this.drill = new RestoreDrill(name, client, leases, workDir, clock, metrics);
    }

    /**
     * Schedules every level from the index (a level not run since its last boundary is due now) and
     * starts the thread. A database that has nothing a snapshot would add (new, or unchanged since
     * the newest snapshot) waits for the next snapshot boundary.
     */
    void start() {
        Instant now = clock.instant();
        schedule.start(index, now);
        if (!snapshots.needed()) {
            schedule.ran(HistoryOptions.SNAPSHOT_LEVEL, now);
        }
        if (options.verifyInterval() != null) {
            drillDue = CompactionSchedule.nextBoundary(now, options.verifyInterval());
        }
        thread = new Thread(this::loop, "durable-sqlite-history-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!stopping) {
            runDue();
            synchronized (monitor) {
                if (stopping) {
                    return;
                }
                long wait = MAX_WAIT_MILLIS;
                Instant next = nextDue();
                if (next != null) {
                    wait = Math.max(1, Math.min(MAX_WAIT_MILLIS, Duration.between(clock.instant(), next).toMillis()));
                }
                try {
                    monitor.wait(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private Instant nextDue() {
        synchronized (this) {
            Instant next = schedule.nextDue();
            if (drillDue != null && (next == null || drillDue.isBefore(next))) {
                next = drillDue;
            }
            return next;
        }
    }

    /** Runs whatever is due by the clock now: levels lowest first, then retention, then a drill. */
    synchronized void runDue() {
        Instant now = clock.instant();
        List<Integer> due = schedule.dueLevels(now);
        boolean failed = false;
        for (int level : due) {
            if (stopping) {
                return;
            }
            try {
                runLevel(level);
                schedule.ran(level, now);
            } catch (IOException | RuntimeException e) {
                failed = true;
                lastError = e.getMessage();
                schedule.retryAfter(level, now, RETRY);
                log.warn("{} - {} failed, will retry: {}", name, level == HistoryOptions.SNAPSHOT_LEVEL
                        ? "snapshot" : "compaction of level " + level, e.toString());
            }
        }
        if (!due.isEmpty() && !stopping) {
            int before = retentionFailures;
            applyRetention(now);
            if (!failed && retentionFailures == before) {
                lastError = null; // every due step succeeded: the last failure is over
            }
        }
        if (drillDue != null && !drillDue.isAfter(now) && !stopping) {
            drillDue = CompactionSchedule.nextBoundary(now, options.verifyInterval());
            drill.run();
        }
    }

    private void runLevel(int level) throws IOException {
        if (level == HistoryOptions.SNAPSHOT_LEVEL) {
            LtxFileInfo snapshot = snapshots.snapshot();
            if (snapshot != null) {
                log.info("{} - snapshot of TXID {} written ({} bytes)", name,
                        String.format("%016x", snapshot.maxTxid()), snapshot.size());
            }
            return;
        }
        for (LtxFileInfo file = compactor.compact(level); file != null && !stopping; file = compactor.compact(level)) {
            log.debug("{} - compacted level {} into {} ({} bytes)", name, level, file.fileName(), file.size());
        }
    }

    /** Deletes what retention no longer needs; exposed for tests, which run it at a chosen time. */
    synchronized List<LtxFileInfo> applyRetention(Instant now) {
        List<LtxFileInfo> expired = retention.expired(index, now);
        if (expired.isEmpty()) {
            return expired;
        }
        try {
            client.deleteFiles(expired);
            index.removeAll(expired);
            int[] perLevel = new int[HistoryOptions.SNAPSHOT_LEVEL + 1];
            expired.forEach(file -> perLevel[file.level()]++);
            for (int level = 0; level < perLevel.length; level++) {
                if (perLevel[level] > 0) {
                    metrics.retained(level, perLevel[level]);
                }
            }
            log.debug("{} - retention deleted {} files", name, expired.size());
        } catch (IOException | RuntimeException e) {
            retentionFailures++;
            lastError = e.getMessage();
            log.warn("{} - retention could not delete {} files, will retry: {}", name, expired.size(), e.toString());
        }
        return expired;
    }

    /** Runs a restore drill now, on the calling thread. */
    Verification verifyNow() {
        return drill.run();
    }

    Verification lastVerification() {
        return drill.last();
    }

    /** The last compaction, snapshot or retention failure, until a later run succeeds; null if none. */
    String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        stopping = true;
        synchronized (monitor) {
            monitor.notifyAll();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
