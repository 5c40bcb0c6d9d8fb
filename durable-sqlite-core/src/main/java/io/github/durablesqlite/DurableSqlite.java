package io.github.durablesqlite;

import io.github.durablesqlite.ltx.PageEncoding;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.replication.HistoryOptions;
import io.github.durablesqlite.replication.LeaseOptions;
import io.github.durablesqlite.replication.ReplicationMetrics;
import io.github.durablesqlite.replication.ReplicationOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import com.zaxxer.hikari.HikariConfig;

/**
 * Entry point: {@code DurableSqlite.configure().path("app.db").replicaUrl("s3://bucket/app").build()}
 * gives a {@link DurableDataSource}. The builder only validates; all I/O happens on the first
 * {@code getConnection()}.
 */
public final class DurableSqlite {
    private DurableSqlite() {}

    public static Builder configure() {
        return new Builder();
    }

    /** Collects settings; each setter rejects a bad value at once, {@link #build()} checks the whole. */
    public static final class Builder {
        Path path;
        String replicaUrl;
        Map<String, String> environment = System.getenv();
        String name;
        Duration syncInterval = Duration.ofSeconds(1);
        Duration busyTimeout = Duration.ofSeconds(5);
        Duration closeTimeout = Duration.ofSeconds(10);
        PageEncoding pageEncoding = PageEncoding.FRAME;
        int checkpointPages = 1000;
        int maximumPoolSize = 10;
        boolean restoreIfMissing = true;
        Path stateDir;
        Clock clock = Clock.systemUTC();
        ReplicationMetrics metrics = ReplicationMetrics.NONE;
        Consumer<HikariConfig> poolCustomizer = config -> { };
        HistoryOptions history = HistoryOptions.defaults();
        Durability durability = Durability.ASYNC;
        Duration commitTimeout = Duration.ofSeconds(10);
        Duration maxLag;
        MaxLagPolicy maxLagPolicy = MaxLagPolicy.WAIT;
        boolean lease = true;
        Duration leaseTtl = LeaseOptions.DEFAULT_TTL;

        private Builder() {}

        /** The database file. Required. */
        public Builder path(Path value) {
            this.path = Objects.requireNonNull(value, "path");
            return this;
        }

        public Builder path(String value) {
            return path(Path.of(Objects.requireNonNull(value, "path")));
        }

        /** Where the replica lives: {@code s3://bucket/prefix?endpoint=...} or {@code file:///dir}. Required. */
        public Builder replicaUrl(String value) {
            ReplicaUrl.parse(Objects.requireNonNull(value, "replicaUrl"));
            this.replicaUrl = value;
            return this;
        }

        /** Variables that hold replica credentials (LITESTREAM_ACCESS_KEY_ID, ...); default: the process environment. */
        public Builder environment(Map<String, String> value) {
            this.environment = Map.copyOf(Objects.requireNonNull(value, "environment"));
            return this;
        }

        /** Label in log lines and thread names; default: the database file name. */
        public Builder name(String value) {
            this.name = requireText(value, "name");
            return this;
        }

        /**
         * How often the WAL is checked without a commit signal (writers in other processes), and the least
         * time between two uploads under a continuous write load (the first commit after a quiet interval is
         * shipped at once). Default 1s.
         */
        public Builder syncInterval(Duration value) {
            this.syncInterval = requirePositive(value, "syncInterval");
            return this;
        }

        /**
         * When a commit returns: {@link Durability#ASYNC} (default) once SQLite has it locally, or
         * {@link Durability#SYNC} once the replica holds it.
         */
        public Builder durability(Durability value) {
            this.durability = Objects.requireNonNull(value, "durability");
            return this;
        }

        /**
         * How long a commit waits for the replica: in sync mode for its confirmation, under max-lag
         * backpressure for replication to catch up. Past it the commit fails with
         * {@link NotReplicatedException}. Default 10s.
         */
        public Builder commitTimeout(Duration value) {
            this.commitTimeout = requirePositive(value, "commitTimeout");
            return this;
        }

        /**
         * Bounds what a lost machine can cost in async mode: while the oldest change not yet in the
         * replica is older than this, new commits wait or fail (see {@link #maxLagPolicy}). Default:
         * no bound ({@code null}).
         */
        public Builder maxLag(Duration value) {
            this.maxLag = value == null ? null : requirePositive(value, "maxLag");
            return this;
        }

        /** What a commit does while replication lags more than {@link #maxLag}. Default WAIT. */
        public Builder maxLagPolicy(MaxLagPolicy value) {
            this.maxLagPolicy = Objects.requireNonNull(value, "maxLagPolicy");
            return this;
        }

        /** SQLite busy timeout of every connection. Default 5s. */
        public Builder busyTimeout(Duration value) {
            this.busyTimeout = requirePositive(value, "busyTimeout");
            return this;
        }

        /** How long {@code close()} waits for the final upload. Default 10s. */
        public Builder closeTimeout(Duration value) {
            this.closeTimeout = requirePositive(value, "closeTimeout");
            return this;
        }

        /**
         * LTX page encoding. FRAME (default) is read by every Litestream 0.5.x; BLOCK is smaller to
         * write and is read by Litestream 0.5.16 and newer.
         */
        public Builder pageEncoding(PageEncoding value) {
            this.pageEncoding = Objects.requireNonNull(value, "pageEncoding");
            return this;
        }

        /** WAL size in pages above which shipped frames are checkpointed. Default 1000. */
        public Builder checkpointPages(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("checkpointPages must be at least 1, was " + value);
            }
            this.checkpointPages = value;
            return this;
        }

        /** Connections in the pool. Default 10. */
        public Builder maximumPoolSize(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maximumPoolSize must be at least 1, was " + value);
            }
            this.maximumPoolSize = value;
            return this;
        }

        /** Whether a missing database file is restored from the replica. Default true. */
        public Builder restoreIfMissing(boolean value) {
            this.restoreIfMissing = value;
            return this;
        }

        /** Directory for staged files and state; default: {@code .<db file name>-durable-sqlite} beside the database. */
        public Builder stateDir(Path value) {
            this.stateDir = Objects.requireNonNull(value, "stateDir");
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Builder metrics(ReplicationMetrics value) {
            this.metrics = Objects.requireNonNull(value, "metrics");
            return this;
        }

        /**
         * Compaction levels: the interval of level 1, 2, ... (at most 8). Level N merges the files of
         * level N-1 at wall-clock boundaries of its interval. Default 30s, 5m, 1h (Litestream's).
         * No intervals means no compaction levels: snapshots then follow level 0 directly.
         */
        public Builder compactionIntervals(Duration... intervals) {
            Objects.requireNonNull(intervals, "compactionIntervals");
            for (Duration interval : intervals) {
                requirePositive(interval, "compaction interval");
            }
            if (intervals.length > HistoryOptions.MAX_COMPACTION_LEVELS) {
                throw new IllegalArgumentException("at most " + HistoryOptions.MAX_COMPACTION_LEVELS
                        + " compaction levels, got " + intervals.length);
            }
            this.history = history.withLevelIntervals(List.of(intervals));
            return this;
        }

        /**
         * How often a full snapshot (level 9) is written, at wall-clock boundaries (midnight UTC for the
         * default), and at start-up when none was written since the last boundary. Default 24h.
         */
        public Builder snapshotInterval(Duration value) {
            this.history = history.withSnapshotInterval(requirePositive(value, "snapshotInterval"));
            return this;
        }

        /** How far back point-in-time restores stay possible; older files are deleted. Default 24h. */
        public Builder retention(Duration value) {
            this.history = history.withRetention(requirePositive(value, "retention"));
            return this;
        }

        /**
         * How long level-0 files (one per sync) stay after level 1 covers them: within this window
         * every TXID can be restored, beyond it every level-1 boundary. Default 5m; zero is allowed.
         */
        public Builder l0Retention(Duration value) {
            Objects.requireNonNull(value, "l0Retention");
            if (value.isNegative()) {
                throw new IllegalArgumentException("l0Retention must not be negative, was " + value);
            }
            this.history = history.withL0Retention(value);
            return this;
        }

        /**
         * How often a restore drill restores the replica into a scratch file and checks it (see
         * {@link DurableDataSource#lastVerification()}). Default: never; {@code null} or zero turns it off.
         */
        public Builder verifyInterval(Duration value) {
            if (value != null && value.isNegative()) {
                throw new IllegalArgumentException("verifyInterval must not be negative, was " + value);
            }
            this.history = history.withVerifyInterval(value == null || value.isZero() ? null : value);
            return this;
        }

        /**
         * Whether this data source takes the replica's lease, so that a second instance pointed at the
         * same replica fails to start instead of writing to it too (docs/reliability.md). Default true.
         */
        public Builder lease(boolean value) {
            this.lease = value;
            return this;
        }

        /**
         * How long the replica's lease lasts without renewal: it is renewed every third of this, a
         * holder stops writing when it could not renew for five sixths of it, and a successor may take
         * over once it has passed. At least 1s. Default 30s.
         */
        public Builder leaseTtl(Duration value) {
            requirePositive(value, "leaseTtl");
            if (value.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("leaseTtl must be at least 1s, was " + value);
            }
            this.leaseTtl = value;
            return this;
        }

        /** Adjusts the HikariCP pool (its name, timeouts, ...). The JDBC URL and data source are set by durable-sqlite. */
        public Builder pool(Consumer<HikariConfig> value) {
            this.poolCustomizer = Objects.requireNonNull(value, "pool");
            return this;
        }

        /** Checks the settings together and returns the data source; no file or network is touched. */
        public DurableDataSource build() {
            if (path == null) {
                throw new IllegalStateException("path is required: the SQLite database file, e.g. .path(\"data/app.db\")");
            }
            if (replicaUrl == null) {
                throw new IllegalStateException("replicaUrl is required, e.g. s3://bucket/app or file:///var/backups/app");
            }
            List<Duration> intervals = history.levelIntervals();
            for (int level = 2; level <= intervals.size(); level++) {
                if (intervals.get(level - 1).compareTo(intervals.get(level - 2)) < 0) {
                    throw new IllegalStateException("compaction level " + level + " (" + intervals.get(level - 1)
                            + ") must not run more often than level " + (level - 1) + " (" + intervals.get(level - 2)
                            + "): it merges that level's files");
                }
            }
            return new DurableDataSource(this);
        }

        ReplicationOptions replicationOptions() {
            return new ReplicationOptions(effectiveName(), syncInterval, pageEncoding, checkpointPages, busyTimeout,
                    closeTimeout, stateDir, true, clock, metrics, history);
        }

        LeaseOptions leaseOptions() {
            return new LeaseOptions(lease, leaseTtl);
        }

        String effectiveName() {
            return name != null ? name : path.getFileName().toString();
        }

        private static String requireText(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return value;
        }

        private static Duration requirePositive(Duration value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + value);
            }
            return value;
        }
    }
}
