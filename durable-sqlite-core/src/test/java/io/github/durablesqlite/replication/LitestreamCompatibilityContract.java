package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.ltx.PageEncoding;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.LitestreamOracle;
import io.github.durablesqlite.testing.Sqlite3;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compatibility judged by Litestream's own code (its VFS, 0.5.17): what we write, Litestream reads
 * identically; what Litestream writes, we restore identically.
 */
abstract class LitestreamCompatibilityContract {
    /** Rows in a stable order; the same query runs against our local database and through the VFS. */
    static final String QUERY = "SELECT id, body, hex(data) FROM notes ORDER BY id;"
            + " SELECT count(*), sum(length(data)) FROM notes; SELECT name FROM sqlite_schema ORDER BY name;";

    @TempDir
    Path dir;

    abstract String newReplicaUrl();

    abstract Map<String, String> env();

    @BeforeAll
    static void needsTheOracle() {
        LitestreamOracle.assumeAvailable();
    }

    @ParameterizedTest
    @EnumSource(PageEncoding.class)
    void litestreamReadsWhatTheDataSourceWrote(PageEncoding encoding) throws Exception {
        Path db = dir.resolve("app.db");
        String url = newReplicaUrl();
        try (DurableDataSource ds = DurableSqlite.configure().path(db).replicaUrl(url).environment(env())
                .pageEncoding(encoding).checkpointPages(32).build();
             Connection c = ds.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL, data BLOB)");
                s.execute("CREATE INDEX notes_body ON notes(body)");
            }
            for (int batch = 0; batch < 10; batch++) {
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO notes(body, data) VALUES (?, randomblob(?))")) {
                    for (int i = 0; i < 30; i++) {
                        insert.setString(1, "batch " + batch + " note " + i);
                        insert.setInt(2, i == 0 ? 9000 : 50);
                        insert.executeUpdate();
                    }
                }
                c.commit();
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("DELETE FROM notes WHERE id % 11 = " + batch);
                }
                ds.replicateNow(Duration.ofSeconds(30));
            }
        }
        String ours = Sqlite3.exec(db, QUERY);
        assertThat(ours).contains("notes_body");
        assertThat(LitestreamOracle.query(url, env(), QUERY)).isEqualTo(ours);
    }

    @Test
    void weRestoreWhatLitestreamWrote() throws Exception {
        String url = newReplicaUrl();
        LitestreamOracle.write(url, env(), List.of(
                "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL, data BLOB)",
                "CREATE INDEX notes_body ON notes(body)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
                        + "INSERT INTO notes(body, data) SELECT 'note ' || i, randomblob(i * 10) FROM n"));
        LitestreamOracle.write(url, env(), List.of(
                "UPDATE notes SET body = body || ' edited' WHERE id % 5 = 0",
                "DELETE FROM notes WHERE id % 7 = 0"));
        String theirs = LitestreamOracle.query(url, env(), QUERY);

        Path restored = dir.resolve("restored.db");
        try (ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(url), env())) {
            new Restorer(client, ReplicationMetrics.NONE).restore(restored, null, null, null, null);
        }
        assertThat(Sqlite3.exec(restored, QUERY)).isEqualTo(theirs);
        assertThat(Sqlite3.exec(restored, "PRAGMA integrity_check;")).isEqualTo("ok\n");
    }
}
