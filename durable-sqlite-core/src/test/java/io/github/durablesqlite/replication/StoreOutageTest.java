package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.ReplicationException;
import io.github.durablesqlite.RestoreException;
import io.github.durablesqlite.ReplicationStatus;
import io.github.durablesqlite.testing.DatabaseDump;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up rules and the behaviour while the store is unreachable, on a real S3 server taken off the network. */
class StoreOutageTest {
    @TempDir
    Path dir;

    private DurableDataSource open(Path db, String url, Map<String, String> env, ReplicationMetrics metrics) {
        return DurableSqlite.configure().path(db).replicaUrl(url).environment(env).metrics(metrics)
                .syncInterval(Duration.ofMillis(100)).closeTimeout(Duration.ofSeconds(2)).build();
    }

    @Test
    void withALocalDatabaseTheAppRunsThroughAnOutageAndCatchesUp() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start()) {
            String url = s3.replicaUrl(s3.newBucket(), "app");
            Path db = dir.resolve("app.db");
            try (DurableDataSource ds = open(db, url, s3.env(), ReplicationMetrics.NONE);
                 Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(v TEXT)");
                s.execute("INSERT INTO t VALUES ('before the outage')");
                ds.replicateNow(Duration.ofSeconds(10));
            }

            s3.outage();
            Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
            ReplicationMetrics counting = new ReplicationMetrics() {
                @Override
                public void storeRequest(String operation, String outcome, long nanos) {
                    requests.computeIfAbsent(operation + " " + outcome, k -> new AtomicLong()).incrementAndGet();
                }
            };
            String expected;
            try (DurableDataSource ds = open(db, url, s3.env(), counting); Connection c = ds.getConnection();
                 Statement s = c.createStatement()) {
                s.execute("INSERT INTO t VALUES ('during the outage')");
                assertThatThrownBy(() -> ds.replicateNow(Duration.ofMillis(500))).isInstanceOf(ReplicationException.class);
                ReplicationStatus down = ds.status();
                assertThat(down.failedUploads()).isPositive();
                assertThat(down.lastError()).isNotBlank();
                // Joining the replica starts by taking its lease, the first request to fail.
                assertThat(requests).containsKey("lease-write error");

                s3.recover();
                s.execute("INSERT INTO t VALUES ('after the outage')");
                long txid = ds.replicateNow(Duration.ofSeconds(10));
                assertThat(ds.status().remoteTxid()).isEqualTo(txid);
                assertThat(ds.status().failedUploads()).isZero();
                assertThat(ds.status().lastError()).isNull();
                expected = DatabaseDump.of(c);
            }
            EndToEndContract.loseMachine(db);
            try (DurableDataSource ds = open(db, url, s3.env(), ReplicationMetrics.NONE); Connection c = ds.getConnection()) {
                assertThat(DatabaseDump.of(c)).isEqualTo(expected).contains("during the outage");
            }
        }
    }

    @Test
    void withoutALocalDatabaseAnUnreadableStoreStopsTheStart() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start()) {
            String url = s3.replicaUrl(s3.newBucket(), "app");
            s3.outage();
            Path db = dir.resolve("app.db");
            try (DurableDataSource ds = open(db, url, s3.env(), ReplicationMetrics.NONE)) {
                assertThatThrownBy(ds::getConnection).isInstanceOf(RestoreException.class)
                        .hasMessageContaining("refusing to start with an empty database");
            }
            assertThat(Files.exists(db)).isFalse();
            s3.recover();
        }
    }
}
