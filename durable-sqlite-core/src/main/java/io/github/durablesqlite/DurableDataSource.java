package io.github.durablesqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.replication.MeteredReplicaClient;
import io.github.durablesqlite.replication.Replicator;
import io.github.durablesqlite.replication.Restorer;
import io.github.durablesqlite.replication.ReplicationOptions;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * A pooled SQLite {@link DataSource} whose database is continuously replicated. On the first
 * {@link #getConnection()} it restores a missing database from the replica, starts replication,
 * and only then opens the pool (a pool's first connection would otherwise create an empty file).
 */
public final class DurableDataSource extends LocalDataSource implements Closeable {
    private static final org.slf4j.Logger log = LoggerFactory.getLogger(DurableDataSource.class);

    private final DurableSqlite.Builder settings;
    private final Path path;
    private final ReplicationOptions options;
    private final Object lifecycle = new Object();
    private volatile HikariDataSource pool;
    private ReplicaClient client;
    private MeteredReplicaClient metered;
    private Replicator replicator;
    private boolean closed;

    DurableDataSource(DurableSqlite.Builder settings) {
        this.settings = settings;
        this.path = settings.path.toAbsolutePath();
        this.options = settings.replicationOptions();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return start().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return start().getConnection(username, password);
    }

    /** Restores if needed and starts replication and the pool; idempotent. Called by the first getConnection. */
    public HikariDataSource start() {
        HikariDataSource current = pool;
        if (current != null) {
            return current;
        }
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException(options.name() + " - the data source is closed");
            }
            if (pool == null) {
                try {
                    metered = new MeteredReplicaClient(
                            ReplicaClients.open(ReplicaUrl.parse(settings.replicaUrl), settings.environment),
                            options.metrics());
                    client = metered;
                    Files.createDirectories(path.getParent());
                    replicator = new Replicator(path, client, options, settings.leaseOptions());
                    try {
                        replicator.acquireLease(); // before a restore downloads a replica another instance owns
                    } catch (IOException unreadable) {
                        // The restore says why when it needs the store; otherwise replication joins later.
                    }
                    restoreIfMissing();
                    replicator.start();
                    pool = new HikariDataSource(poolConfig());
                } catch (IOException e) {
                    closeQuietly();
                    throw new ReplicationException(options.name() + " - cannot start replication of " + path + " to "
                            + describeReplica() + ": " + e.getMessage(), e);
                } catch (RuntimeException e) {
                    closeQuietly();
                    throw e;
                }
            }
            return pool;
        }
    }

    private void restoreIfMissing() throws IOException {
        if (Files.exists(path) || !settings.restoreIfMissing) {
            return;
        }
        Restorer restorer = new Restorer(client, options.metrics());
        boolean exists;
        try {
            exists = restorer.replicaExists();
        } catch (IOException e) {
            // Starting empty here could later overwrite a replica we merely failed to read.
            throw new RestoreException(options.name() + " - database " + path + " does not exist and replica "
                    + client.describe() + " cannot be read (" + e.getMessage() + "); refusing to start with an empty "
                    + "database. Fix the replica URL or credentials, or set restoreIfMissing(false) to start empty", e);
        }
        if (!exists) {
            log.info("{} - no database at {} and no replica at {}: starting a new database", options.name(), path,
                    client.describe());
            return;
        }
        Restorer.Result result = restorer.restore(path, null, null, options.resolveStateDirFor(path), null);
        log.info("{} - restored {} from {} at TXID {} ({} bytes, {} files) in {} ms", options.name(), path,
                client.describe(), String.format("%016x", result.txid()), result.size(), result.files(),
                result.nanos() / 1_000_000);
    }

    private HikariConfig poolConfig() {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, settings.busyTimeout.toMillis()));
        // Only the replicator checkpoints, and only frames it has shipped.
        sqlite.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, "0");
        String url = "jdbc:sqlite:" + path;
        HikariConfig config = new HikariConfig();
        config.setPoolName("durable-sqlite-" + options.name());
        config.setMaximumPoolSize(settings.maximumPoolSize);
        settings.poolCustomizer.accept(config);
        CommitGate gate = new CommitGate(options.name(), settings.durability, settings.commitTimeout,
                settings.maxLag, settings.maxLagPolicy, () -> replicator, this::describeReplica);
        config.setDataSource(new SignallingDataSource(sqlite, url, replicator::signal, gate,
                new WriteLockWaits(settings.busyTimeout)));
        config.setJdbcUrl(null);
        return config;
    }

    /** Replication as of now; all zeros before the first connection. */
    public ReplicationStatus status() {
        Replicator current = replicator;
        return current == null ? new ReplicationStatus(0, 0, null, null, 0, 0, null) : current.status();
    }

    /**
     * Why this data source does not write to its replica although it runs: another instance took
     * over the replica's lease, or the lease cannot be renewed. Null while it holds the lease, with
     * the lease off, and before the first connection.
     */
    public String leaseProblem() {
        Replicator current = replicator;
        return current == null ? null : current.leaseProblem();
    }

    /**
     * Ships everything committed so far and waits until the replica holds it.
     *
     * @return the TXID now in the replica
     * @throws ReplicationException if the replica did not accept it within the timeout
     */
    public long replicateNow(Duration timeout) {
        Replicator current = requireStarted();
        try {
            long txid = current.syncNow();
            if (!current.awaitUploaded(txid, timeout)) {
                throw new ReplicationException(options.name() + " - TXID " + txid + " did not reach "
                        + client.describe() + " within " + timeout + ": " + current.status().lastError());
            }
            return txid;
        } catch (IOException e) {
            throw new ReplicationException(options.name() + " - sync failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplicationException(options.name() + " - interrupted while waiting for the replica", e);
        }
    }

    /**
     * Waits until everything committed before the call, by any thread, is in the replica: the
     * per-transaction form of {@link Durability#SYNC} for async mode. Concurrent callers share
     * uploads.
     *
     * @return the TXID the replica now holds
     * @throws ReplicationException if the replica did not confirm it within the timeout (the changes
     *         stay in the local database and are replicated once the replica can be reached), or at once
     *         when another instance took over the replica's lease
     */
    public long awaitReplicated(Duration timeout) {
        Replicator current = requireStarted();
        try {
            long txid = current.awaitReplicated(timeout);
            if (txid == Replicator.LEASE_LOST) {
                throw new ReplicationException(options.name() + " - the changes committed so far stay in the local "
                        + "database and will not reach replica " + describeReplica() + ": " + current.leaseProblem());
            }
            if (txid < 0) {
                String lastError = current.status().lastError();
                throw new ReplicationException(options.name() + " - replica " + describeReplica()
                        + " did not confirm the changes committed so far within " + timeout
                        + (lastError != null ? " (" + lastError + ")" : "") + "; they stay in the local database and are "
                        + "replicated once the replica is reachable");
            }
            return txid;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplicationException(options.name() + " - interrupted while waiting for the replica", e);
        }
    }

    /**
     * Requests this data source made to the replica's store since it started, by operation
     * ({@code list}, {@code open}, {@code head}, {@code write}, {@code delete}); empty before the first
     * connection. The same counts reach {@link io.github.durablesqlite.replication.ReplicationMetrics#storeRequest}.
     */
    public Map<String, Long> storeRequests() {
        MeteredReplicaClient current = metered;
        return current == null ? Map.of() : current.requestCounts();
    }

    /**
     * Runs a restore drill now: restores the replica's newest state into a scratch file, verifying
     * every file checksum and SQLite's integrity check, then deletes it. Never throws for a bad
     * replica; the result says what failed.
     */
    public Verification verifyNow() {
        return requireStarted().verifyNow();
    }

    /** The last restore drill's outcome (scheduled by {@code verifyInterval} or {@link #verifyNow()}), or null. */
    public Verification lastVerification() {
        Replicator current = replicator;
        return current == null ? null : current.lastVerification();
    }

    private Replicator requireStarted() {
        start();
        return replicator;
    }

    /** The database file. */
    public Path path() {
        return path;
    }

    /** Closes the pool, then makes the final sync and upload (bounded by the close timeout). Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly();
        }
    }

    private void closeQuietly() {
        if (pool != null) {
            pool.close();
        }
        if (replicator != null) {
            replicator.close();
        }
        if (client != null) {
            try {
                client.close();
            } catch (IOException e) {
                log.debug("{} - closing the replica client: {}", options.name(), e.toString());
            }
        }
        pool = null;
        replicator = null;
        client = null;
    }

    private String describeReplica() {
        return client != null ? client.describe() : settings.replicaUrl.replaceAll("\\?.*", "");
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return (T) this;
        }
        HikariDataSource current = start();
        if (iface.isInstance(current)) {
            return (T) current;
        }
        return current.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || iface.isAssignableFrom(HikariDataSource.class)
                || start().isWrapperFor(iface);
    }
}
