package io.github.durablesqlite.replication;

import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A database written one commit at a time under a test clock, replicated by a real
 * {@link Replicator} to a real replica, with the content digest and time of every TXID recorded,
 * so any restore can be checked for being exactly a state the database had.
 */
final class HistoryHarness implements AutoCloseable {
    /** A whole minute, so wall-clock boundaries of every test interval line up with the start. */
    static final Instant START = Instant.parse("2026-03-02T00:00:00Z");

    final Path db;
    final String url;
    final MutableClock clock = new MutableClock(START);
    final MeteredReplicaClient client;
    final Replicator replicator;
    final Connection app;
    /** Digest of the database's content at each TXID. */
    final TreeMap<Long, String> digests = new TreeMap<>();
    /** Time each TXID was committed (the timestamp of its level-0 file). */
    final TreeMap<Long, Instant> times = new TreeMap<>();
    private final java.util.Random random = new java.util.Random(7);
    private int rows;

    HistoryHarness(Path dir, String url, Map<String, String> env, HistoryOptions history) throws Exception {
        this(dir, ReplicaClients.open(ReplicaUrl.parse(url), env), url, history);
    }

    HistoryHarness(Path dir, ReplicaClient store, String url, HistoryOptions history) throws Exception {
        this.db = dir.resolve("app.db");
        this.url = url;
        this.client = new MeteredReplicaClient(store, ReplicationMetrics.NONE);
        this.app = DriverManager.getConnection("jdbc:sqlite:" + db);
        try (Statement s = app.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA wal_autocheckpoint=0");
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL, n INTEGER NOT NULL)");
        }
        ReplicationOptions options = ReplicationOptions.defaults("history-test")
                .withSyncInterval(Duration.ofSeconds(30)).withClock(clock).withHistory(history);
        this.replicator = new Replicator(db, client, options);
        replicator.start();
        record(replicator.syncNow());
    }

    /** One transaction (an insert and an update), shipped and uploaded; returns its TXID. */
    long commit() throws Exception {
        rows++;
        app.setAutoCommit(false);
        try (PreparedStatement insert = app.prepareStatement("INSERT INTO t(v, n) VALUES (?, ?)");
             PreparedStatement update = app.prepareStatement("UPDATE t SET n = n + ? WHERE id = ?")) {
            insert.setString(1, "row " + rows + " " + "x".repeat(rows % 50));
            insert.setInt(2, rows);
            insert.executeUpdate();
            update.setInt(1, rows);
            update.setInt(2, 1 + random.nextInt(rows));
            update.executeUpdate();
        }
        app.commit();
        app.setAutoCommit(true);
        long txid = replicator.syncNow();
        if (!replicator.awaitUploaded(txid, Duration.ofSeconds(30))) {
            throw new IllegalStateException("TXID " + txid + " was not uploaded: " + replicator.status());
        }
        record(txid);
        return txid;
    }

    private void record(long txid) throws SQLException {
        digests.put(txid, digest(app));
        times.put(txid, clock.instant());
    }

    /** Advances the clock and runs whatever compaction, snapshot and retention is then due. */
    void advance(Duration duration) {
        clock.advance(duration);
        replicator.history().runDue();
    }

    static String digest(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), total(n * id), max(id), total(length(v)) FROM t")) {
            rs.next();
            return rs.getLong(1) + ":" + rs.getDouble(2) + ":" + rs.getLong(3) + ":" + rs.getDouble(4);
        }
    }

    static String digest(Path restored) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + restored)) {
            return digest(connection);
        }
    }

    /** The newest TXID committed at or before {@code time}. */
    long txidAt(Instant time) {
        long best = 0;
        for (Map.Entry<Long, Instant> entry : times.entrySet()) {
            if (!entry.getValue().isAfter(time)) {
                best = entry.getKey();
            }
        }
        return best;
    }

    List<LtxFileInfo> files(int level) throws IOException {
        return new ArrayList<>(client.listFiles(level, false));
    }

    ReplicaClient freshClient(Map<String, String> env) throws IOException {
        return ReplicaClients.open(ReplicaUrl.parse(url), env);
    }

    @Override
    public void close() throws Exception {
        replicator.close();
        app.close();
        client.close();
    }
}
