package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.ltx.LtxHeader;
import io.github.durablesqlite.testing.DatabaseDump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database that grows past 1 GiB, where SQLite reserves the lock page: replication must skip it
 * and restore must leave it empty while every page around it round-trips. Slow (about a minute).
 */
class LockPageDatabaseTest {
    private static final String SUMMARY = "SELECT id, length(v), hex(substr(v, 1, 32)), hex(substr(v, -32)) FROM t ORDER BY id";

    @TempDir
    Path dir;

    @Test
    void aDatabaseLargerThanOneGibRoundTrips() throws Exception {
        Path db = dir.resolve("big.db");
        String url = dir.resolve("replica").toUri().toString();
        String expected;
        try (DurableDataSource ds = DurableSqlite.configure().path(db).replicaUrl(url).environment(Map.of())
                .closeTimeout(Duration.ofMinutes(2)).build();
             Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
            // Zero blobs compress to almost nothing, so the replica stays small while the file crosses 1 GiB.
            for (int i = 0; i < 11; i++) {
                s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
                        + "INSERT INTO t(v) SELECT zeroblob(1000000) FROM n");
            }
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
                    + "INSERT INTO t(v) SELECT randomblob(5000) FROM n");
            s.execute("UPDATE t SET v = randomblob(3000) WHERE id % 97 = 0");
            ds.replicateNow(Duration.ofMinutes(2));
            expected = summary(c);
            try (ResultSet rs = s.executeQuery("PRAGMA page_count")) {
                rs.next();
                assertThat((long) rs.getInt(1) * 4096).isGreaterThan(1L << 30);
            }
        }
        Path restored = dir.resolve("restored.db");
        try (var client = io.github.durablesqlite.replica.ReplicaClients.open(
                io.github.durablesqlite.replica.ReplicaUrl.parse(url), Map.of())) {
            new Restorer(client, ReplicationMetrics.NONE).restore(restored, null, null, null, null);
        }
        assertThat(Files.size(restored)).isGreaterThan((long) LtxHeader.lockPage(4096) * 4096);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored)) {
            assertThat(summary(c)).isEqualTo(expected);
        }
        assertThat(DatabaseDump.integrityCheck(restored)).isEqualTo("ok");
    }

    private static String summary(Connection c) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SUMMARY)) {
            while (rs.next()) {
                out.append(rs.getLong(1)).append('|').append(rs.getLong(2)).append('|').append(rs.getString(3))
                        .append('|').append(rs.getString(4)).append('\n');
            }
        }
        return out.toString();
    }
}
