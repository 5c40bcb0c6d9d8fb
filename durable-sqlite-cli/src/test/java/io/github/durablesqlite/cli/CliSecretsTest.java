package io.github.durablesqlite.cli;

import static io.github.durablesqlite.testing.SecretScan.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.testing.S3ProxyServer;
import io.github.durablesqlite.testing.SecretScan;
import io.github.durablesqlite.testing.Sqlite3;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No command prints or logs the credentials it was given, whatever fails: credentials, bucket, store, replica. */
class CliSecretsTest {
    private static S3ProxyServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = S3ProxyServer.start(SecretScan.ACCESS_KEY, SecretScan.SECRET_KEY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private void everyCommand(SecretScan scan, String url, Map<String, String> env, String tag) {
        Path out = dir.resolve(tag).resolve("restored.db");
        for (String[] args : new String[][] {
            {"restore", "-o", out.toString(), url},
            {"restore", "-o", out.toString(), "--if-replica-exists", url},
            {"ltx", "--level", "all", url},
            {"ltx", "--json", url},
            {"verify", url},
            {"verify", "--json", url}}) {
            CliBadInputTest.Run run = CliBadInputTest.run(env, args);
            scan.add(run.out());
            scan.add(run.err());
        }
    }

    @Test
    void noCommandShowsTheCredentials() throws Exception {
        try (SecretScan scan = new SecretScan()) {
            String bucket = server.newBucket();
            String url = server.replicaUrl(bucket, "app");
            try (DurableDataSource ds = DurableSqlite.configure().path(dir.resolve("src/app.db")).replicaUrl(url)
                    .environment(env(SecretScan.SECRET_KEY)).compactionIntervals().build();
                 Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(v TEXT)");
                s.execute("INSERT INTO t VALUES ('replicated')");
                ds.replicateNow(Duration.ofSeconds(30));
            }

            everyCommand(scan, url, env(SecretScan.WRONG_SECRET), "wrong-secret");
            everyCommand(scan, server.replicaUrl("no-such-bucket", "app"), env(SecretScan.SECRET_KEY), "no-bucket");
            server.outage();
            try {
                everyCommand(scan, url, env(SecretScan.SECRET_KEY), "outage");
            } finally {
                server.recover();
            }
            server.damageNewest(bucket, "app/0000/");
            everyCommand(scan, url, env(SecretScan.SECRET_KEY), "damaged");

            // replicate with a child that exits at once, against a store that refuses the secret.
            Path db = dir.resolve("local/app.db");
            java.nio.file.Files.createDirectories(db.getParent());
            Sqlite3.exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(v); INSERT INTO t VALUES (1);");
            CliBadInputTest.Run replicate = CliBadInputTest.run(env(SecretScan.WRONG_SECRET), "replicate", "--exec",
                    "true", db.toString(), url);
            scan.add(replicate.out());
            scan.add(replicate.err());
            // A URL carrying the credentials is refused without repeating them.
            CliBadInputTest.Run inUrl = CliBadInputTest.run(Map.of(), "restore", "-o", dir.resolve("x.db").toString(),
                    "s3://" + SecretScan.ACCESS_KEY + ":" + SecretScan.SECRET_KEY + "@" + bucket + "/app");
            scan.add(inUrl.err());

            assertThat(scan.all()).as("the failures were seen").contains("no-such-bucket")
                    .containsIgnoringCase("denied").contains("0000000000000").containsIgnoringCase("credentials");
            scan.assertNoSecret();
        }
    }
}
