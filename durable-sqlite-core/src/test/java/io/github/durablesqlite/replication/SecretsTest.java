package io.github.durablesqlite.replication;

import static io.github.durablesqlite.testing.SecretScan.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.S3ProxyServer;
import io.github.durablesqlite.testing.SecretScan;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials never reach a log line, an exception (message, causes, stack trace), the status, a
 * restore drill's result, the store request counts or a metrics callback, on every failure path a
 * user meets: wrong credentials, a missing bucket, an outage, a damaged replica, a bad URL.
 */
class SecretsTest {
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

    /** Every metrics callback, with its arguments, goes to the scan. */
    private static ReplicationMetrics recording(SecretScan scan) {
        return (ReplicationMetrics) Proxy.newProxyInstance(SecretsTest.class.getClassLoader(),
                new Class<?>[] {ReplicationMetrics.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("equals") ? proxy == args[0]
                                : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : "recording";
                    }
                    scan.add(method.getName() + Arrays.deepToString(args));
                    return null;
                });
    }

    private DurableDataSource dataSource(Path db, String url, Map<String, String> env, SecretScan scan) {
        return DurableSqlite.configure().path(db).replicaUrl(url).environment(env).metrics(recording(scan))
                .compactionIntervals().closeTimeout(Duration.ofSeconds(2)).build();
    }

    private static Path localDatabase(Path db) throws Exception {
        Files.createDirectories(db.getParent());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE t(v TEXT)");
        }
        return db;
    }

    /** Writes, asks for replication, reads the status and a restore drill: all failure surfaces of a running source. */
    private static void exercise(DurableDataSource ds, SecretScan scan) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t VALUES ('kept locally')");
        }
        scan.add(catchThrowable(() -> ds.replicateNow(Duration.ofSeconds(2))));
        scan.add(ds.status());
        scan.add(ds.status().lastError());
        scan.add(ds.verifyNow());
        scan.add(ds.storeRequests());
    }

    @Test
    void noFailurePathShowsTheCredentials() throws Exception {
        try (SecretScan scan = new SecretScan()) {
            String bucket = server.newBucket();
            String url = server.replicaUrl(bucket, "app");

            // Wrong secret, no local database: the start fails.
            try (DurableDataSource ds = dataSource(dir.resolve("a/app.db"), url, env(SecretScan.WRONG_SECRET), scan)) {
                scan.add(catchThrowable(ds::getConnection));
            }
            // Wrong secret, local database: the app runs, replication reports the failure.
            try (DurableDataSource ds = dataSource(localDatabase(dir.resolve("b/app.db")), url,
                    env(SecretScan.WRONG_SECRET), scan)) {
                exercise(ds, scan);
            }
            // A bucket that does not exist.
            try (DurableDataSource ds = dataSource(localDatabase(dir.resolve("c/app.db")),
                    server.replicaUrl("no-such-bucket", "app"), env(SecretScan.SECRET_KEY), scan)) {
                exercise(ds, scan);
            }
            // An outage while replicating, then recovery.
            try (DurableDataSource ds = dataSource(localDatabase(dir.resolve("d/app.db")), url,
                    env(SecretScan.SECRET_KEY), scan)) {
                exercise(ds, scan);
                server.outage();
                try {
                    exercise(ds, scan);
                } finally {
                    server.recover();
                }
                ds.replicateNow(Duration.ofSeconds(30));
            }
            // A damaged replica: the restore fails naming the object.
            Path restoreTo = dir.resolve("e/app.db");
            server.damageNewest(bucket, "app/0000/");
            try (DurableDataSource ds = dataSource(restoreTo, url, env(SecretScan.SECRET_KEY), scan)) {
                scan.add(catchThrowable(ds::getConnection));
            }
            try (ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(url), env(SecretScan.SECRET_KEY))) {
                scan.add(client.describe());
                scan.add(client);
                scan.add(catchThrowable(() -> new Restorer(client, recording(scan)).restore(restoreTo, null, null,
                        null, null)));
                scan.add(catchThrowable(() -> ReplicaChecker.checkAll(client)));
                scan.add(ReplicaChecker.checkAll(client));
            }
            // Credentials put where they do not belong: in the URL.
            String endpoint = "endpoint=" + server.endpoint();
            for (String bad : new String[] {
                "s3://" + SecretScan.ACCESS_KEY + ":" + SecretScan.SECRET_KEY + "@" + bucket + "/app?" + endpoint,
                "s3://" + bucket + "/app?" + endpoint + "&access-key-id=" + SecretScan.ACCESS_KEY
                        + "&secret-access-key=" + SecretScan.SECRET_KEY,
                "s3://" + bucket + "/app?" + endpoint + "&secret-access-key=" + SecretScan.SECRET_KEY
                        + "&secret-access-key=" + SecretScan.SECRET_KEY}) {
                scan.add(catchThrowable(() -> ReplicaUrl.parse(bad)));
                Map<String, String> environment = new HashMap<>(env(SecretScan.SECRET_KEY));
                scan.add(catchThrowable(() -> DurableSqlite.configure().path(dir.resolve("f/app.db")).replicaUrl(bad)
                        .environment(environment).build().getConnection()));
            }

            String seen = scan.all();
            assertThat(scan.logLines()).as("log lines captured").isGreaterThan(10);
            assertThat(seen).as("the failures were seen").contains("no-such-bucket").contains("0000000000000")
                    .containsIgnoringCase("credentials").contains("WARN io.github.durablesqlite");
            scan.assertNoSecret();
        }
    }
}
