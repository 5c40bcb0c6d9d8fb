package io.github.durablesqlite;

import io.github.durablesqlite.ltx.PageEncoding;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.replication.ReplicationMetrics;
import io.github.durablesqlite.replication.ReplicationOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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

        /** How often the WAL is checked without a commit signal (writers in other processes). Default 1s. */
        public Builder syncInterval(Duration value) {
            this.syncInterval = requirePositive(value, "syncInterval");
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
            return new DurableDataSource(this);
        }

        ReplicationOptions replicationOptions() {
            return new ReplicationOptions(effectiveName(), syncInterval, pageEncoding, checkpointPages, busyTimeout,
                    closeTimeout, stateDir, true, clock, metrics);
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
