package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.Durability;
import io.github.durablesqlite.MaxLagPolicy;
import io.github.durablesqlite.NotReplicatedException;
import io.github.durablesqlite.ReplicationException;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sync mode, awaitReplicated and max-lag backpressure against a real S3 server: every check of
 * "the replica holds it" restores the replica into a fresh file and reads it there.
 */
class DurabilityModesTest {
    @TempDir
    Path dir;

    private final AtomicInteger restores = new AtomicInteger();

    private DurableSqlite.Builder builder(S3ProxyServer s3, String url) {
        return DurableSqlite.configure().path(dir.resolve("app.db")).replicaUrl(url).environment(s3.env())
                .syncInterval(Duration.ofMillis(200)).closeTimeout(Duration.ofSeconds(2))
                .compactionIntervals().snapshotInterval(Duration.ofDays(365));
    }

    /** Rows of t in what the replica holds now, restored into a new file. */
    private long rowsInReplica(S3ProxyServer s3, String url) throws Exception {
        Path restored = dir.resolve("restored-" + restores.incrementAndGet() + ".db");
        try (ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(url), s3.env())) {
            new Restorer(client, ReplicationMetrics.NONE).restore(restored, null, null, null, null);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aSyncCommitIsInTheReplicaWhenItReturns() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        String url = s3.replicaUrl(s3.newBucket(), "sync");
        try (DurableDataSource ds = builder(s3, url).durability(Durability.SYNC).build();
             Connection c = ds.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            }
            long expected = 0;
            for (int round = 0; round < 4; round++) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO t(v) VALUES (?)")) {
                    insert.setString(1, "autocommit " + round);
                    insert.executeUpdate();
                }
                assertThat(rowsInReplica(s3, url)).isEqualTo(++expected);

                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO t(v) VALUES ('in a transaction " + round + "')");
                    s.executeUpdate("INSERT INTO t(v) VALUES ('and another')");
                }
                c.commit();
                c.setAutoCommit(true);
                expected += 2;
                assertThat(rowsInReplica(s3, url)).isEqualTo(expected);

                // The commit of INSERT ... RETURNING happens while the result set is read or closed.
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("INSERT INTO t(v) VALUES ('returning') RETURNING id")) {
                    assertThat(rs.next()).isTrue();
                }
                assertThat(rowsInReplica(s3, url)).isEqualTo(++expected);
            }
        }
    }

    @Test
    void concurrentSyncCommitsShareUploads() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        String url = s3.replicaUrl(s3.newBucket(), "group");
        int threads = 8;
        int perThread = 40;
        try (DurableDataSource ds = builder(s3, url).durability(Durability.SYNC).build()) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            }
            long writesBefore = ds.storeRequests().getOrDefault("write", 0L);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int writer = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        try (Connection c = ds.getConnection();
                             PreparedStatement insert = c.prepareStatement("INSERT INTO t(v) VALUES (?)")) {
                            insert.setString(1, writer + "/" + i);
                            insert.executeUpdate();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            long uploads = ds.storeRequests().getOrDefault("write", 0L) - writesBefore;
            // Every commit returned only once the replica held it, yet far fewer files were written.
            assertThat(rowsInReplica(s3, url)).isEqualTo((long) threads * perThread);
            assertThat(uploads).isPositive().isLessThan((long) threads * perThread);
        }
    }

    @Test
    void aSyncCommitTheReplicaCannotConfirmFailsAtItsTimeoutAndIsReplicatedLater() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start()) {
            String url = s3.replicaUrl(s3.newBucket(), "timeout");
            try (DurableDataSource ds = builder(s3, url).durability(Durability.SYNC)
                    .commitTimeout(Duration.ofMillis(700)).build();
                 Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(v TEXT)");
                s3.outage();
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t VALUES ('unconfirmed')"))
                        .isInstanceOfSatisfying(NotReplicatedException.class,
                                e -> assertThat(e.committedLocally()).isTrue())
                        .hasMessageContaining("did not confirm it within PT0.7S")
                        .hasMessageContaining(url.replaceAll("\\?.*", ""));
                assertThat(count(c)).isEqualTo(1);

                c.setAutoCommit(false);
                s.executeUpdate("INSERT INTO t VALUES ('unconfirmed too')");
                assertThatThrownBy(c::commit).isInstanceOf(NotReplicatedException.class);
                c.setAutoCommit(true);

                s3.recover();
                s.executeUpdate("INSERT INTO t VALUES ('confirmed')");
                assertThat(rowsInReplica(s3, url)).isEqualTo(3);
            }
        }
    }

    @Test
    void awaitReplicatedMakesOneAsyncTransactionDurable() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start()) {
            String url = s3.replicaUrl(s3.newBucket(), "await");
            try (DurableDataSource ds = builder(s3, url).syncInterval(Duration.ofSeconds(30)).build();
                 Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(v TEXT)");
                s.executeUpdate("INSERT INTO t VALUES ('one')");
                long txid = ds.awaitReplicated(Duration.ofSeconds(10));
                assertThat(ds.status().remoteTxid()).isGreaterThanOrEqualTo(txid);
                assertThat(rowsInReplica(s3, url)).isEqualTo(1);

                s3.outage();
                s.executeUpdate("INSERT INTO t VALUES ('two')");
                assertThatThrownBy(() -> ds.awaitReplicated(Duration.ofMillis(300)))
                        .isInstanceOf(ReplicationException.class).hasMessageContaining("did not confirm");
                s3.recover();
                ds.awaitReplicated(Duration.ofSeconds(30));
                assertThat(rowsInReplica(s3, url)).isEqualTo(2);
            }
        }
    }

    @Test
    void pastMaxLagTheFailPolicyRefusesWritesButNotReads() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start()) {
            String url = s3.replicaUrl(s3.newBucket(), "fail");
            try (DurableDataSource ds = builder(s3, url).maxLag(Duration.ofMillis(300))
                    .maxLagPolicy(MaxLagPolicy.FAIL).build();
                 Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(v TEXT)");
                s.executeUpdate("INSERT INTO t VALUES ('replicated')");
                ds.awaitReplicated(Duration.ofSeconds(10));

                s3.outage();
                s.executeUpdate("INSERT INTO t VALUES ('pending')"); // within the bound: accepted
                awaitLagAbove(ds, Duration.ofMillis(300));
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t VALUES ('refused')"))
                        .isInstanceOfSatisfying(NotReplicatedException.class,
                                e -> assertThat(e.committedLocally()).isFalse())
                        .hasMessageContaining("more than PT0.3S behind").hasMessageContaining("nothing was written");
                c.setAutoCommit(false);
                s.executeUpdate("INSERT INTO t VALUES ('refused at commit')");
                assertThatThrownBy(c::commit).isInstanceOf(NotReplicatedException.class);
                c.setAutoCommit(true);
                assertThat(count(c)).isEqualTo(2); // reads go on; neither refused row exists

                s3.recover();
                ds.awaitReplicated(Duration.ofSeconds(30));
                s.executeUpdate("INSERT INTO t VALUES ('accepted again')");
                ds.awaitReplicated(Duration.ofSeconds(10));
                assertThat(rowsInReplica(s3, url)).isEqualTo(3);
            }
        }
    }

    @Test
    void pastMaxLagTheWaitPolicyHoldsCommitsUntilTheReplicaCatchesUp() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start()) {
            String url = s3.replicaUrl(s3.newBucket(), "wait");
            try (DurableDataSource ds = builder(s3, url).maxLag(Duration.ofMillis(300))
                    .commitTimeout(Duration.ofSeconds(60)).build();
                 Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(v TEXT)");
                ds.awaitReplicated(Duration.ofSeconds(10));
                s3.outage();
                s.executeUpdate("INSERT INTO t VALUES ('pending')");
                awaitLagAbove(ds, Duration.ofMillis(300));

                ExecutorService writer = Executors.newSingleThreadExecutor();
                Future<Integer> held = writer.submit(() -> {
                    try (Connection other = ds.getConnection(); Statement os = other.createStatement()) {
                        return os.executeUpdate("INSERT INTO t VALUES ('held back')");
                    }
                });
                Thread.sleep(500);
                assertThat(held).isNotDone();
                assertThat(count(c)).isEqualTo(1); // not written while held

                s3.recover();
                assertThat(held.get(60, TimeUnit.SECONDS)).isEqualTo(1);
                writer.shutdown();
                ds.awaitReplicated(Duration.ofSeconds(10));
                assertThat(rowsInReplica(s3, url)).isEqualTo(2);
            }
        }
    }

    private static void awaitLagAbove(DurableDataSource ds, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ds.status().lag(java.time.Instant.now()).compareTo(bound) <= 0) {
            assertThat(System.nanoTime()).as("lag never passed " + bound).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
