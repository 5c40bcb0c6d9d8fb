package io.github.durablesqlite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.DatabaseDump;
import io.github.durablesqlite.testing.LitestreamOracle;
import io.github.durablesqlite.testing.S3ProxyServer;
import io.github.durablesqlite.testing.Sqlite3;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code durable-sqlite replicate} as a real process next to a real writer process (Debian's
 * {@code sqlite3}), stopped with real signals.
 */
class ReplicateProcessTest {
    private static final S3ProxyServer S3 = S3ProxyServer.shared();

    @TempDir
    Path dir;

    @BeforeAll
    static void needsSqlite3() {
        Sqlite3.assumeAvailable();
    }

    private static Process cli(Map<String, String> env, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private static String waitForLine(Path log, String text, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String content = Files.exists(log) ? Files.readString(log) : "";
            if (content.contains(text)) {
                return content;
            }
            if (!process.isAlive()) {
                throw new AssertionError("process exited with " + process.exitValue() + ": " + content);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + text + "' in " + Files.readString(log));
    }

    @Test
    void replicatesWhileAnotherProcessWritesThenStopsOnSigterm() throws Exception {
        Path db = dir.resolve("app.db");
        Sqlite3.exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
        String url = S3.replicaUrl(S3.newBucket(), "app");
        Path log = dir.resolve("replicate.log");
        Process replicate = cli(S3.env(), log, "replicate", "--sync-interval", "100ms", db.toString(), url);
        waitForLine(log, "replicating", replicate);

        for (int batch = 0; batch < 20; batch++) {
            StringBuilder sql = new StringBuilder("BEGIN;");
            for (int i = 0; i < 50; i++) {
                sql.append("INSERT INTO t(v) VALUES ('batch ").append(batch).append(" row ").append(i).append("');");
            }
            sql.append("COMMIT;");
            if (batch == 10) {
                sql.append("PRAGMA wal_checkpoint(PASSIVE);");
            }
            Sqlite3.exec(db, sql.toString());
        }
        String expected = DatabaseDump.of(db);
        Thread.sleep(500); // more than the sync interval, so the last writes are captured before the stop

        replicate.destroy(); // SIGTERM
        assertThat(replicate.waitFor(20, TimeUnit.SECONDS)).as("replicate exits after SIGTERM").isTrue();
        assertThat(replicate.exitValue()).as(Files.readString(log)).isZero();

        Path restored = dir.resolve("restored.db");
        Path restoreLog = dir.resolve("restore.log");
        Process restore = cli(S3.env(), restoreLog, "restore", "-o", restored.toString(), url);
        assertThat(restore.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(restore.exitValue()).as(Files.readString(restoreLog)).isZero();
        assertThat(DatabaseDump.of(restored)).isEqualTo(expected);

        // Litestream's own reader sees the same rows in the replica `replicate` wrote.
        LitestreamOracle.assumeAvailable();
        String query = "SELECT * FROM t ORDER BY id;";
        assertThat(LitestreamOracle.query(url, S3.env(), query)).isEqualTo(Sqlite3.exec(db, query));
    }

    /** The newest TXID in the replica's level 0 (0 when empty). */
    private static long newestTxid(String url) throws IOException {
        try (ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(url), S3.env())) {
            return client.listFiles(0, false).stream().mapToLong(LtxFileInfo::maxTxid).max().orElse(0);
        }
    }

    private static long awaitTxid(String url, long atLeast, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long newest = newestTxid(url);
        while (newest < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(20);
            newest = newestTxid(url);
        }
        return newest;
    }

    @Test
    void aCommitByAnotherProcessIsShippedWithoutWaitingForTheSyncInterval() throws Exception {
        Path db = dir.resolve("app.db");
        Sqlite3.exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(v TEXT);");
        String url = S3.replicaUrl(S3.newBucket(), "app");
        Path log = dir.resolve("replicate.log");
        Process replicate = cli(S3.env(), log, "replicate", "--sync-interval", "60s", db.toString(), url);
        try {
            waitForLine(log, "replicating", replicate);
            long first = awaitTxid(url, 1, 30_000);
            assertThat(first).as("the first copy").isPositive();
            Thread.sleep(1000); // a quiet spell: the next commit is shipped at once

            Sqlite3.exec(db, "INSERT INTO t VALUES ('from another process');");
            // No commit hook reaches the replicate process, and its timed sync is a minute away.
            assertThat(awaitTxid(url, first + 1, 10_000)).as(Files.readString(log)).isGreaterThan(first);
        } finally {
            replicate.destroy();
            replicate.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void execRunsTheAppAndSyncsWhenItExits() throws Exception {
        Path db = dir.resolve("app.db");
        String url = dir.resolve("replica").toUri().toString();
        Path script = dir.resolve("app.sh");
        Files.writeString(script, "sqlite3 " + db + " 'PRAGMA journal_mode=WAL; CREATE TABLE t(v); "
                + "INSERT INTO t VALUES (1),(2),(3);'\nsleep 0.5\nsqlite3 " + db + " 'INSERT INTO t VALUES (4);'\nexit 7\n");
        Path log = dir.resolve("exec.log");
        Process replicate = cli(Map.of(), log, "replicate", "--exec", "sh " + script, db.toString(), url);
        assertThat(replicate.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(replicate.exitValue()).as("the child's exit code; log: %s", Files.readString(log)).isEqualTo(7);

        Path restored = dir.resolve("restored.db");
        assertThat(CliBadInputTest.run(Map.of(), "restore", "-o", restored.toString(), url).exit()).isZero();
        assertThat(DatabaseDump.of(restored)).contains("1\n2\n3\n4\n");

        LitestreamOracle.assumeAvailable();
        assertThat(LitestreamOracle.query(url, Map.of(), "SELECT v FROM t ORDER BY rowid;")).isEqualTo("1\n2\n3\n4\n");
    }

    @Test
    void execForwardsSigtermToTheApp() throws Exception {
        Path db = dir.resolve("app.db");
        Sqlite3.exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(v); INSERT INTO t VALUES ('before');");
        String url = dir.resolve("replica").toUri().toString();
        Path marker = dir.resolve("got-term");
        Path script = dir.resolve("app.sh");
        Files.writeString(script, "trap 'touch " + marker + "; exit 0' TERM\nwhile true; do sleep 0.1; done\n");
        Path log = dir.resolve("exec.log");
        Process replicate = cli(Map.of(), log, "replicate", "--exec", "sh " + script, db.toString(), url);
        waitForLine(log, "replicating", replicate);

        replicate.destroy();
        assertThat(replicate.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(marker).as("the app received SIGTERM").exists();
        assertThat(replicate.exitValue()).isZero();
        Path restored = dir.resolve("restored.db");
        assertThat(CliBadInputTest.run(Map.of(), "restore", "-o", restored.toString(), url).exit()).isZero();
        assertThat(DatabaseDump.of(restored)).contains("before");
    }

    @Test
    void replicatesTheDatabasesOfALitestreamConfigFile() throws Exception {
        Path db = dir.resolve("app.db");
        Sqlite3.exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
        String bucket = S3.newBucket();
        Path config = dir.resolve("litestream.yml");
        // As a Litestream user writes it: S3 settings as keys, credentials from the environment.
        Files.writeString(config, """
                access-key-id: ${LITESTREAM_ACCESS_KEY_ID}
                secret-access-key: ${LITESTREAM_SECRET_ACCESS_KEY}
                levels:
                  - interval: 10s
                snapshot:
                  interval: 1h
                  retention: 2h
                exec: %s %s "INSERT INTO t(v) VALUES ('from the app')"
                dbs:
                  - path: %s
                    replica:
                      type: s3
                      bucket: %s
                      path: app
                      endpoint: %s
                      region: us-east-1
                      force-path-style: true
                      sync-interval: 100ms
                """.formatted("/usr/bin/sqlite3", db, db, bucket, S3.endpoint()));
        Path log = dir.resolve("replicate.log");
        Process replicate = cli(S3.env(), log, "replicate", "--config", config.toString());
        assertThat(replicate.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(replicate.exitValue()).as(Files.readString(log)).isZero();

        Path restored = dir.resolve("restored.db");
        Path restoreLog = dir.resolve("restore.log");
        Process restore = cli(S3.env(), restoreLog, "restore", "-o", restored.toString(),
                S3.replicaUrl(bucket, "app"));
        assertThat(restore.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(restore.exitValue()).as(Files.readString(restoreLog)).isZero();
        assertThat(DatabaseDump.of(restored)).isEqualTo(DatabaseDump.of(db)).contains("from the app");
    }
}
