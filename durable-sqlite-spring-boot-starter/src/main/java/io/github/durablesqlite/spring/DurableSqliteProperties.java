package io.github.durablesqlite.spring;

import io.github.durablesqlite.ltx.PageEncoding;
import java.time.Duration;
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

    private final Replica replica = new Replica();

    private final Restore restore = new Restore();

    private final Pool pool = new Pool();

    private final Health health = new Health();

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

    public Restore getRestore() {
        return restore;
    }

    public Pool getPool() {
        return pool;
    }

    public Health getHealth() {
        return health;
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
