package io.github.durablesqlite.replication;

import io.github.durablesqlite.ltx.PageEncoding;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Replicator} works. Immutable; the public builder validates values before making one.
 *
 * @param name             label for log lines, so several databases in one JVM stay readable
 * @param syncInterval     how often the WAL is checked when no commit signal arrives (writers in other processes)
 * @param pageEncoding     LTX page encoding written to the replica
 * @param checkpointPages  WAL size in pages above which the replicator checkpoints what it shipped
 * @param busyTimeout      busy timeout of the replicator's own connections
 * @param closeTimeout     how long {@code close()} waits for the final upload
 * @param stateDir         where staged files and the shutdown state live; null = next to the database
 * @param ownsWriters      true when every writer is in this process and closed before the replicator
 *                         (the DataSource), which allows a final TRUNCATE checkpoint on close
 * @param clock            the source of every time the engine records or schedules by
 * @param metrics          receives what the engine does
 * @param history          compaction levels, snapshots, retention and restore drills
 */
public record ReplicationOptions(String name, Duration syncInterval, PageEncoding pageEncoding, int checkpointPages,
                                 Duration busyTimeout, Duration closeTimeout, Path stateDir, boolean ownsWriters,
                                 Clock clock, ReplicationMetrics metrics, HistoryOptions history) {
    public ReplicationOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(syncInterval, "syncInterval");
        Objects.requireNonNull(pageEncoding, "pageEncoding");
        Objects.requireNonNull(busyTimeout, "busyTimeout");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(history, "history");
    }

    /** Options with the default history (Litestream's levels, daily snapshots, 24 h retention). */
    public ReplicationOptions(String name, Duration syncInterval, PageEncoding pageEncoding, int checkpointPages,
                              Duration busyTimeout, Duration closeTimeout, Path stateDir, boolean ownsWriters,
                              Clock clock, ReplicationMetrics metrics) {
        this(name, syncInterval, pageEncoding, checkpointPages, busyTimeout, closeTimeout, stateDir, ownsWriters,
                clock, metrics, HistoryOptions.defaults());
    }

    public static ReplicationOptions defaults(String name) {
        return new ReplicationOptions(name, Duration.ofSeconds(1), PageEncoding.FRAME, 1000,
                Duration.ofSeconds(5), Duration.ofSeconds(10), null, false, Clock.systemUTC(), ReplicationMetrics.NONE);
    }

    public ReplicationOptions withSyncInterval(Duration value) {
        return new ReplicationOptions(name, value, pageEncoding, checkpointPages, busyTimeout, closeTimeout, stateDir,
                ownsWriters, clock, metrics, history);
    }

    public ReplicationOptions withHistory(HistoryOptions value) {
        return new ReplicationOptions(name, syncInterval, pageEncoding, checkpointPages, busyTimeout, closeTimeout,
                stateDir, ownsWriters, clock, metrics, value);
    }

    public ReplicationOptions withClock(Clock value) {
        return new ReplicationOptions(name, syncInterval, pageEncoding, checkpointPages, busyTimeout, closeTimeout,
                stateDir, ownsWriters, value, metrics, history);
    }

    public ReplicationOptions withMetrics(ReplicationMetrics value) {
        return new ReplicationOptions(name, syncInterval, pageEncoding, checkpointPages, busyTimeout, closeTimeout,
                stateDir, ownsWriters, clock, value, history);
    }

    public ReplicationOptions withCloseTimeout(Duration value) {
        return new ReplicationOptions(name, syncInterval, pageEncoding, checkpointPages, busyTimeout, value,
                stateDir, ownsWriters, clock, metrics, history);
    }

    public ReplicationOptions withStateDir(Path value) {
        return new ReplicationOptions(name, syncInterval, pageEncoding, checkpointPages, busyTimeout, closeTimeout,
                value, ownsWriters, clock, metrics, history);
    }

    /** Directory for staged files and state: by default a hidden directory beside the database. */
    public static Path defaultStateDir(Path db) {
        Path absolute = db.toAbsolutePath();
        return absolute.resolveSibling("." + absolute.getFileName() + "-durable-sqlite");
    }

    public Path resolveStateDirFor(Path db) {
        return stateDir != null ? stateDir : defaultStateDir(db);
    }
}
