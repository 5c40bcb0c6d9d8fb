package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.ltx.LtxDecoder;
import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.DatabaseDump;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on real SQLite files against one kind of replica: write through the
 * DataSource, lose the database, get it back.
 */
abstract class EndToEndContract {
    @TempDir
    Path dir;

    /** A fresh, empty replica location. */
    abstract String newReplicaUrl();

    abstract Map<String, String> env();

    DurableDataSource open(Path db, String url) {
        return DurableSqlite.configure().path(db).replicaUrl(url).environment(env())
                .syncInterval(Duration.ofMillis(100)).busyTimeout(Duration.ofMillis(500))
                .checkpointPages(64).build();
    }

    @Test
    void aMixedWorkloadSurvivesTheLossOfTheDatabase() throws Exception {
        Path db = dir.resolve("app.db");
        String url = newReplicaUrl();
        String expected;
        try (DurableDataSource ds = open(db, url)) {
            try (Connection c = ds.getConnection()) {
                runWorkload(c, new Random(42));
                expected = DatabaseDump.of(c);
            }
            ds.replicateNow(Duration.ofSeconds(30));
        }
        loseMachine(db);

        try (DurableDataSource ds = open(db, url); Connection c = ds.getConnection()) {
            assertThat(DatabaseDump.of(c)).isEqualTo(expected);
        }
        assertThat(DatabaseDump.integrityCheck(db)).isEqualTo("ok");
    }

    @Test
    void restoresEarlierStatesByTxidAndByTimestamp() throws Exception {
        Path db = dir.resolve("app.db");
        String url = newReplicaUrl();
        List<Long> txids = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        List<String> dumps = new ArrayList<>();
        try (DurableDataSource ds = open(db, url); Connection c = ds.getConnection()) {
            execute(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            for (int step = 0; step < 5; step++) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO t(v) VALUES (?)")) {
                    for (int i = 0; i < 20; i++) {
                        insert.setString(1, "step " + step + " row " + i);
                        insert.executeUpdate();
                    }
                }
                execute(c, "UPDATE t SET v = v || '!' WHERE id % 7 = " + step);
                txids.add(ds.replicateNow(Duration.ofSeconds(30)));
                dumps.add(DatabaseDump.of(c));
                Thread.sleep(3); // file timestamps have millisecond resolution
                times.add(Instant.now());
                Thread.sleep(3);
            }
        }
        try (ReplicaClient client = client(url)) {
            Restorer restorer = new Restorer(client, ReplicationMetrics.NONE);
            for (int step = 0; step < txids.size(); step++) {
                Path byTxid = dir.resolve("txid-" + step + ".db");
                assertThat(restorer.restore(byTxid, txids.get(step), null, null, null).txid()).isEqualTo(txids.get(step));
                assertThat(DatabaseDump.of(byTxid)).as("state at TXID %d", txids.get(step)).isEqualTo(dumps.get(step));

                Path byTime = dir.resolve("time-" + step + ".db");
                Restorer.Result result = restorer.restore(byTime, null, times.get(step), null, null);
                assertThat(result.txid()).isEqualTo(txids.get(step));
                assertThat(DatabaseDump.of(byTime)).isEqualTo(dumps.get(step));
            }
        }
    }

    @Test
    void theChainContinuesAfterACleanRestartAndAfterARestore() throws Exception {
        Path db = dir.resolve("app.db");
        String url = newReplicaUrl();
        try (DurableDataSource ds = open(db, url); Connection c = ds.getConnection()) {
            execute(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
            insertBlobs(c, 200, 1000);
        }
        // A clean restart: the chain continues with a small file, not a second full copy.
        try (DurableDataSource ds = open(db, url); Connection c = ds.getConnection()) {
            insertBlobs(c, 1, 10);
        }
        List<LtxFileInfo> afterRestart = levelZero(url);
        assertThat(pageCount(url, afterRestart.get(afterRestart.size() - 1))).isLessThan(10);

        loseMachine(db);
        String expected;
        try (DurableDataSource ds = open(db, url); Connection c = ds.getConnection()) {
            insertBlobs(c, 1, 10);
            expected = DatabaseDump.of(c);
        }
        List<LtxFileInfo> afterRestore = levelZero(url);
        assertThat(pageCount(url, afterRestore.get(afterRestore.size() - 1))).isLessThan(10);
        for (int i = 1; i < afterRestore.size(); i++) {
            assertThat(afterRestore.get(i).minTxid()).isEqualTo(afterRestore.get(i - 1).maxTxid() + 1);
        }
        loseMachine(db);
        try (DurableDataSource ds = open(db, url); Connection c = ds.getConnection()) {
            assertThat(DatabaseDump.of(c)).isEqualTo(expected);
        }
    }

    /** Inserts, updates, deletes, an index, overflow rows, a shrinking VACUUM, and an app's own checkpoint. */
    static void runWorkload(Connection c, Random random) throws SQLException {
        execute(c, "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL, data BLOB)");
        execute(c, "CREATE INDEX notes_body ON notes(body)");
        c.setAutoCommit(false);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO notes(body, data) VALUES (?, ?)")) {
            for (int i = 0; i < 2000; i++) {
                insert.setString(1, "note " + i + " " + Long.toHexString(random.nextLong()));
                byte[] data = new byte[i % 100 == 0 ? 20_000 : random.nextInt(200)];
                random.nextBytes(data);
                insert.setBytes(2, data);
                insert.executeUpdate();
                if (i % 250 == 249) {
                    c.commit();
                }
            }
        }
        c.commit();
        c.setAutoCommit(true);
        execute(c, "UPDATE notes SET body = body || ' (edited)' WHERE id % 3 = 0");
        execute(c, "PRAGMA wal_checkpoint(TRUNCATE)");
        execute(c, "DELETE FROM notes WHERE id % 4 = 0 OR id > 1500");
        execute(c, "VACUUM");
        for (int i = 0; i < 50; i++) {
            execute(c, "INSERT INTO notes(body) VALUES ('after vacuum " + i + "')");
        }
    }

    static void insertBlobs(Connection c, int rows, int size) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO t(v) VALUES (randomblob(?))")) {
            for (int i = 0; i < rows; i++) {
                insert.setInt(1, size);
                insert.executeUpdate();
            }
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement statement = c.createStatement()) {
            if (statement.execute(sql)) {
                try (ResultSet rs = statement.getResultSet()) {
                    while (rs.next()) {
                        // drain (PRAGMA results)
                    }
                }
            }
        }
    }

    /** Everything local is gone: the database, its WAL and the replicator's state. */
    static void loseMachine(Path db) throws IOException {
        try (Stream<Path> files = Files.list(db.getParent())) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                if (path.getFileName().toString().startsWith(db.getFileName().toString())
                        || path.getFileName().toString().startsWith("." + db.getFileName())) {
                    deleteRecursively(path);
                }
            }
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    ReplicaClient client(String url) throws IOException {
        return ReplicaClients.open(ReplicaUrl.parse(url), env());
    }

    List<LtxFileInfo> levelZero(String url) throws IOException {
        try (ReplicaClient client = client(url)) {
            return client.listFiles(0, false);
        }
    }

    int pageCount(String url, LtxFileInfo file) throws IOException {
        try (ReplicaClient client = client(url);
             InputStream in = client.openFile(file.level(), file.minTxid(), file.maxTxid());
             LtxDecoder decoder = new LtxDecoder(in, "file")) {
            byte[] page = new byte[decoder.header().pageSize()];
            int count = 0;
            while (decoder.nextPage(page) != 0) {
                count++;
            }
            return count;
        }
    }
}
