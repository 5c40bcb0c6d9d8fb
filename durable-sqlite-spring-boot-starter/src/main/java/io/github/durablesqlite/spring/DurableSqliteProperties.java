package io.github.durablesqlite.spring;

import io.github.durablesqlite.Durability;
import io.github.durablesqlite.MaxLagPolicy;
import io.github.durablesqlite.ltx.PageEncoding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the durable SQLite DataSource. Durations are written as Litestream writes them
 * ({@code 200ms}, {@code 1s}, {@code 5m}) or in ISO-8601 ({@code PT1S}).
 */
@ConfigurationProperties("durable-sqlite")
public class DurableSqliteProperties {

    /** Whether to auto-configure the durable SQLite DataSource. */
    private boolean enabled = true;

    /** The SQLite database file, e.g. data/app.db. Required. */
    private String path;

    /** Interval between WAL checks when no commit signal arrives (writers in other processes). */
    private Duration syncInterval = Duration.ofSeconds(1);

    /** SQLite busy timeout of every connection. */
    private Duration busyTimeout = Duration.ofSeconds(5);

    /**
     * When a commit returns: "async" once SQLite has it locally (the replica follows within
     * milliseconds), "sync" only once the replica holds it.
     */
    private Durability durability = Durability.ASYNC;

    /**
     * How long a commit waits for the replica (sync mode, or max-lag backpressure) before it fails
     * with NotReplicatedException.
     */
    private Duration commitTimeout = Duration.ofSeconds(10);

    /**
     * Bound on what losing this machine can cost in async mode: while the oldest change not yet in
     * the replica is older than this, new commits wait or fail (max-lag-policy). Unset means no bound.
     */
    private Duration maxLag;

    /** What a commit does while replication lags more than max-lag: "wait" (up to commit-timeout) or "fail". */
    private MaxLagPolicy maxLagPolicy = MaxLagPolicy.WAIT;

    /** How long closing the DataSource waits for the final sync to reach the replica. */
    private Duration closeTimeout = Duration.ofSeconds(10);

    /**
     * LTX page encoding written to the replica. FRAME is read by every Litestream 0.5.x; BLOCK is
     * smaller and read by Litestream 0.5.16 and newer.
     */
    private PageEncoding pageEncoding = PageEncoding.FRAME;

    /** WAL size in pages above which frames already shipped are checkpointed into the database. */
    private int checkpointPages = 1000;

    /**
     * Directory for staged LTX files and replication state. Default: ".<db file name>-durable-sqlite"
     * beside the database.
     */
    private String stateDir;

    /**
     * Intervals of compaction levels 1, 2, 3...: level N merges level N-1's files at wall-clock
     * multiples of its interval. An empty list turns compaction off.
     */
    private List<Duration> compactionIntervals = new ArrayList<>(
            List.of(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1)));

    /** How long level-0 files (one per sync) are kept after a level-1 compaction covers them. */
    private Duration l0Retention = Duration.ofMinutes(5);

    /** Interval between scheduled restore drills (restore to a scratch file and verify it); unset means none. */
    private Duration verifyInterval;

    private final Replica replica = new Replica();

    private final Snapshot snapshot = new Snapshot();

    private final Restore restore = new Restore();

    private final Pool pool = new Pool();

    private final Health health = new Health();

    private final Lease lease = new Lease();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public Duration getSyncInterval() {
        return syncInterval;
    }

    public void setSyncInterval(Duration syncInterval) {
        this.syncInterval = syncInterval;
    }

    public Duration getBusyTimeout() {
        return busyTimeout;
    }

    public void setBusyTimeout(Duration busyTimeout) {
        this.busyTimeout = busyTimeout;
    }

    public Durability getDurability() {
        return durability;
    }

    public void setDurability(Durability durability) {
        this.durability = durability;
    }

    public Duration getCommitTimeout() {
        return commitTimeout;
    }

    public void setCommitTimeout(Duration commitTimeout) {
        this.commitTimeout = commitTimeout;
    }

    public Duration getMaxLag() {
        return maxLag;
    }

    public void setMaxLag(Duration maxLag) {
        this.maxLag = maxLag;
    }

    public MaxLagPolicy getMaxLagPolicy() {
        return maxLagPolicy;
    }

    public void setMaxLagPolicy(MaxLagPolicy maxLagPolicy) {
        this.maxLagPolicy = maxLagPolicy;
    }

    public Duration getCloseTimeout() {
        return closeTimeout;
    }

    public void setCloseTimeout(Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    public PageEncoding getPageEncoding() {
        return pageEncoding;
    }

    public void setPageEncoding(PageEncoding pageEncoding) {
        this.pageEncoding = pageEncoding;
    }

    public int getCheckpointPages() {
        return checkpointPages;
    }

    public void setCheckpointPages(int checkpointPages) {
        this.checkpointPages = checkpointPages;
    }

    public String getStateDir() {
        return stateDir;
    }

    public void setStateDir(String stateDir) {
        this.stateDir = stateDir;
    }

    public Replica getReplica() {
        return replica;
    }

    public List<Duration> getCompactionIntervals() {
        return compactionIntervals;
    }

    public void setCompactionIntervals(List<Duration> compactionIntervals) {
        this.compactionIntervals = compactionIntervals;
    }

    public Duration getL0Retention() {
        return l0Retention;
    }

    public void setL0Retention(Duration l0Retention) {
        this.l0Retention = l0Retention;
    }

    public Duration getVerifyInterval() {
        return verifyInterval;
    }

    public void setVerifyInterval(Duration verifyInterval) {
        this.verifyInterval = verifyInterval;
    }

    public Snapshot getSnapshot() {
        return snapshot;
    }

    public Restore getRestore() {
        return restore;
    }

    public Pool getPool() {
        return pool;
    }

    public Health getHealth() {
        return health;
    }

    public Lease getLease() {
        return lease;
    }

    /** One writer per replica: the lease this instance takes on the replica before writing to it. */
    public static class Lease {

        /**
         * Whether to take the replica's lease, so that a second instance pointed at the same replica
         * fails to start instead of writing to it too.
         */
        private boolean enabled = true;

        /**
         * How long the lease lasts without renewal (at least 1s). It is renewed every third of this;
         * after a crash, a successor takes over once it has passed.
         */
        private Duration ttl = Duration.ofSeconds(30);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getTtl() {
            return ttl;
        }

        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }
    }

    /** Full snapshots (level 9) and how much history the replica keeps, as Litestream's snapshot settings. */
    public static class Snapshot {

        /** Interval between full snapshots of the database. */
        private Duration interval = Duration.ofHours(24);

        /** How far back point-in-time restores stay possible; older files are deleted. */
        private Duration retention = Duration.ofHours(24);

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public Duration getRetention() {
            return retention;
        }

        public void setRetention(Duration retention) {
            this.retention = retention;
        }
    }

    /** Where the replica lives and how to reach it. */
    public static class Replica {

        /**
         * Replica URL as Litestream spells it: s3://BUCKET/PREFIX?endpoint=URL&region=R&force-path-style=true
         * or file:///absolute/dir. Required.
         */
        private String url;

        /**
         * Access key id for an S3 replica. Default: LITESTREAM_ACCESS_KEY_ID from the environment,
         * then the AWS default credentials chain.
         */
        private String accessKeyId;

        /** Secret access key for an S3 replica; set together with access-key-id. */
        private String secretAccessKey;

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getAccessKeyId() {
            return accessKeyId;
        }

        public void setAccessKeyId(String accessKeyId) {
            this.accessKeyId = accessKeyId;
        }

        public String getSecretAccessKey() {
            return secretAccessKey;
        }

        public void setSecretAccessKey(String secretAccessKey) {
            this.secretAccessKey = secretAccessKey;
        }
    }

    /** What happens at start-up when the database file is missing. */
    public static class Restore {

        /**
         * Whether a missing database file is restored from the replica before the first connection.
         * When false, a missing file starts as a new, empty database.
         */
        private boolean ifMissing = true;

        public boolean isIfMissing() {
            return ifMissing;
        }

        public void setIfMissing(boolean ifMissing) {
            this.ifMissing = ifMissing;
        }
    }

    /** The HikariCP pool in front of the database. */
    public static class Pool {

        /** Maximum number of connections in the pool. */
        private int maximumPoolSize = 10;

        /** Name of the pool in logs and hikaricp.* metrics. Default: "durable-sqlite-<db file name>". */
        private String name;

        /** Maximum time to wait for a connection from the pool. Default: HikariCP's (30s). */
        private Duration connectionTimeout;

        public int getMaximumPoolSize() {
            return maximumPoolSize;
        }

        public void setMaximumPoolSize(int maximumPoolSize) {
            this.maximumPoolSize = maximumPoolSize;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Duration getConnectionTimeout() {
            return connectionTimeout;
        }

        public void setConnectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
        }
    }

    /** When the durableSqlite health component reports DOWN. */
    public static class Health {

        /** Longest time changes may wait for the replica before health is DOWN. */
        private Duration maxLag = Duration.ofMinutes(1);

        /** Consecutive failed uploads (or replica reads) at which health is DOWN. */
        private int maxFailedUploads = 3;

        public Duration getMaxLag() {
            return maxLag;
        }

        public void setMaxLag(Duration maxLag) {
            this.maxLag = maxLag;
        }

        public int getMaxFailedUploads() {
            return maxFailedUploads;
        }

        public void setMaxFailedUploads(int maxFailedUploads) {
            this.maxFailedUploads = maxFailedUploads;
        }
    }
}
