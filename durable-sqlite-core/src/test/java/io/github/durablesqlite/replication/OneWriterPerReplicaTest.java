package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.ReplicaLeaseException;
import io.github.durablesqlite.ReplicationException;
import io.github.durablesqlite.replica.LeaseStore;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.LitestreamOracle;
import io.github.durablesqlite.testing.MutableClock;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Two writers on one replica, through the public data source against a real S3 server: the second
 * is refused at start-up, a successor takes over after a clean stop or once the lease expired, and
 * a writer whose lease was taken writes nothing more to the replica.
 */
class OneWriterPerReplicaTest {
    private static final S3ProxyServer S3 = S3ProxyServer.shared();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private static DurableSqlite.Builder configure(Path db, String url) {
        return DurableSqlite.configure().path(db).replicaUrl(url).environment(S3.env())
                .syncInterval(Duration.ofMillis(50)).closeTimeout(Duration.ofSeconds(10));
    }

    private static void insert(DurableDataSource ds, String text) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS t(v TEXT)");
            s.execute("INSERT INTO t VALUES ('" + text + "')");
        }
    }

    private static long count(DurableDataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Every LTX object under the replica's prefix, with its ETag: any upload, overwrite or delete
     * changes this. Not the lease, and not the local S3 server's temporary file of an upload still
     * under way (listed as {@code <key>-<uuid>} while it is written).
     */
    private static List<String> replicaObjects(String bucket, String prefix) {
        try (S3Client raw = S3.newS3Client()) {
            List<String> objects = new ArrayList<>();
            raw.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + "/")).contents().forEach(o -> {
                if (o.key().endsWith(".ltx")) {
                    objects.add(o.key() + " " + o.eTag());
                }
            });
            return objects;
        }
    }

    private static LeaseStore leaseStore(String url) throws Exception {
        return ReplicaClients.open(ReplicaUrl.parse(url), S3.env()).leaseStore();
    }

    @Test
    void theSecondInstanceIsRefusedAtStartUpInEveryTrialAndChangesNothing() throws Exception {
        for (int trial = 0; trial < 10; trial++) {
            String bucket = S3.newBucket();
            String url = S3.replicaUrl(bucket, "app");
            Path blueDb = dir.resolve("blue-" + trial + ".db");
            Path greenDb = dir.resolve("green-" + trial + ".db");
            try (DurableDataSource blue = configure(blueDb, url).build()) {
                insert(blue, "blue " + trial);
                blue.replicateNow(Duration.ofSeconds(10));
                List<String> before = replicaObjects(bucket, "app");
                try (DurableDataSource green = configure(greenDb, url).build()) {
                    assertThatThrownBy(green::getConnection)
                            .isInstanceOf(ReplicaLeaseException.class)
                            .hasMessageContaining("green-" + trial + ".db - replica s3://" + bucket + "/app is in use")
                            .hasMessageContaining("database " + blueDb)
                            .hasMessageContaining("pid " + ProcessHandle.current().pid());
                }
                assertThat(Files.exists(greenDb)).as("the refused instance restored nothing").isFalse();
                insert(blue, "blue again " + trial);
                blue.replicateNow(Duration.ofSeconds(10));
                assertThat(blue.status().lastError()).isNull();
                assertThat(replicaObjects(bucket, "app")).containsAll(before);
            }
        }
    }

    @Test
    void aSuccessorTakesOverWithinSecondsOfACleanStop() throws Exception {
        String url = S3.replicaUrl(S3.newBucket(), "app");
        List<Long> millis = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            Path db = dir.resolve("node-" + round + ".db");
            DurableDataSource ds = configure(db, url).build();
            long started = System.nanoTime();
            insert(ds, "round " + round);
            if (round > 0) {
                millis.add((System.nanoTime() - started) / 1_000_000);
            }
            assertThat(count(ds)).as("the successor restored its predecessor's rows").isEqualTo(round + 1);
            ds.replicateNow(Duration.ofSeconds(10));
            // Stop, and hand over: the next node starts only after this one closed.
            long stopping = System.nanoTime();
            ds.close();
            if (round > 0) {
                millis.set(millis.size() - 1, millis.get(millis.size() - 1) + (System.nanoTime() - stopping) / 1_000_000);
            }
            assertThat(leaseStore(url).read()).as("the lease after a clean stop").isNull();
        }
        System.out.printf("clean stop to successor's first write, ms (close + restore + lease + first commit): %s%n",
                millis);
    }

    @Test
    void aSuccessorTakesOverAnExpiredLeaseAndTheOldHolderStopsWritingToTheReplica() throws Exception {
        String bucket = S3.newBucket();
        String url = S3.replicaUrl(bucket, "app");
        MutableClock blueClock = new MutableClock(T0);
        MutableClock greenClock = new MutableClock(T0.plus(Duration.ofSeconds(31)));
        try (DurableDataSource blue = configure(dir.resolve("blue.db"), url).clock(blueClock).build()) {
            insert(blue, "blue 1");
            blue.replicateNow(Duration.ofSeconds(10));

            // Blue's clock stands still, so it renews no more, as if it were frozen or killed;
            // green's clock is past blue's expiry, and green takes the replica over.
            try (DurableDataSource green = configure(dir.resolve("green.db"), url).clock(greenClock).build()) {
                assertThat(count(green)).as("green restored blue's rows").isEqualTo(1);
                insert(green, "green 1");
                green.replicateNow(Duration.ofSeconds(10));

                // Blue wakes: its next write to the replica renews first, finds green, and stops for good.
                blueClock.advance(Duration.ofSeconds(26));
                insert(blue, "blue 2");
                assertThatThrownBy(() -> blue.replicateNow(Duration.ofSeconds(2)))
                        .isInstanceOf(ReplicationException.class);
                assertThat(blue.leaseProblem()).contains("lost the lease").contains("green.db");
                assertThat(blue.status().lastError()).contains("lost the lease");
            }
            // Green has stopped (and released the replica): from here on only blue could change it.
            List<String> afterGreen = replicaObjects(bucket, "app");
            insert(blue, "blue 3");
            blueClock.advance(Duration.ofHours(2)); // compaction, snapshot and retention all come due
            Thread.sleep(3000);
            assertThat(replicaObjects(bucket, "app")).as("objects after blue was fenced").isEqualTo(afterGreen);
            assertThat(leaseStore(url).read()).as("a fenced instance takes no lease again").isNull();
            assertThat(blue.leaseProblem()).contains("green.db");
        }
    }

    @Test
    void aHolderWhoseLeaseWasTakenStopsUploadingAndSaysWhoHasIt() throws Exception {
        String bucket = S3.newBucket();
        String url = S3.replicaUrl(bucket, "app");
        MutableClock clock = new MutableClock(T0);
        try (DurableDataSource ds = configure(dir.resolve("app.db"), url).clock(clock).build()) {
            insert(ds, "one");
            ds.replicateNow(Duration.ofSeconds(10));
            assertThat(ds.leaseProblem()).isNull();

            // Another instance's lease, written over ours as a store without atomic If-Match might let happen.
            LeaseStore store = leaseStore(url);
            LeaseStore.Versioned ours = store.read();
            LeaseRecord intruder = new LeaseRecord("intruder", "other-host", 4242, "/srv/other.db", T0, T0,
                    T0.plus(Duration.ofHours(1)));
            assertThat(store.replace(intruder.toJson(), ours.version())).isNotNull();
            List<String> before = replicaObjects(bucket, "app");

            clock.advance(Duration.ofSeconds(10)); // the background renewal comes due, and finds the intruder
            for (int i = 0; i < 100 && ds.leaseProblem() == null; i++) {
                Thread.sleep(50);
            }
            assertThat(ds.leaseProblem()).contains("lost the lease").contains("host other-host, pid 4242, database /srv/other.db");
            assertThat(ds.status().lastError()).contains("host other-host");
            for (int i = 0; i < 5; i++) {
                insert(ds, "after " + i);
            }
            assertThatThrownBy(() -> ds.replicateNow(Duration.ofSeconds(1))).isInstanceOf(ReplicationException.class);
            // Waiting for the replica cannot help once the lease is gone: the caller hears why at once,
            // not after its five-minute timeout.
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                    assertThatThrownBy(() -> ds.awaitReplicated(Duration.ofMinutes(5)))
                            .isInstanceOf(ReplicationException.class).hasMessageContaining("will not reach replica")
                            .hasMessageContaining("host other-host"));
            clock.advance(Duration.ofHours(2));
            Thread.sleep(3000);
            assertThat(replicaObjects(bucket, "app")).as("no object written or deleted after the loss").isEqualTo(before);
            assertThat(count(ds)).as("the local database keeps every commit").isEqualTo(6);
        }
        assertThat(new String(leaseStore(url).read().content(), StandardCharsets.UTF_8))
                .as("closing does not remove the other instance's lease").contains("intruder");
    }

    @Test
    void aCallerAlreadyWaitingForTheReplicaHearsAtOnceWhenTheLeaseIsLost() throws Exception {
        Path replica = dir.resolve("replica");
        String url = replica.toUri().toString();
        MutableClock clock = new MutableClock(T0);
        try (DurableDataSource ds = configure(dir.resolve("app.db"), url).clock(clock).build()) {
            insert(ds, "one");
            ds.replicateNow(Duration.ofSeconds(10));
            // Uploads now fail (level 0 is a file, not a directory), so a caller waiting for the
            // replica waits; then another instance's lease replaces ours.
            Path level0 = replica.resolve("ltx/0");
            try (var files = Files.list(level0)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(level0);
            Files.writeString(level0, "not a directory");
            insert(ds, "two");
            var outcome = new java.util.concurrent.CompletableFuture<Throwable>();
            Thread waiter = new Thread(() -> {
                try {
                    ds.awaitReplicated(Duration.ofMinutes(5));
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            waiter.start();
            Thread.sleep(500);
            assertThat(outcome).as("waiting while uploads fail").isNotDone();

            LeaseStore store = leaseStore(url);
            LeaseRecord intruder = new LeaseRecord("intruder", "other-host", 4242, "/srv/other.db", T0, T0,
                    T0.plus(Duration.ofHours(1)));
            assertThat(store.replace(intruder.toJson(), store.read().version())).isNotNull();
            clock.advance(Duration.ofSeconds(10)); // the renewal comes due and finds the intruder

            Throwable failure = outcome.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(failure).as("not after the five-minute timeout").isInstanceOf(ReplicationException.class)
                    .hasMessageContaining("will not reach replica").hasMessageContaining("host other-host");
        }
    }

    @Test
    void inSyncModeACommitOnAnInstanceThatLostItsLeaseFailsAtOnce() throws Exception {
        String url = S3.replicaUrl(S3.newBucket(), "app");
        MutableClock clock = new MutableClock(T0);
        try (DurableDataSource ds = configure(dir.resolve("app.db"), url).clock(clock)
                .durability(io.github.durablesqlite.Durability.SYNC).commitTimeout(Duration.ofMinutes(5)).build()) {
            insert(ds, "one");
            LeaseStore store = leaseStore(url);
            LeaseRecord intruder = new LeaseRecord("intruder", "other-host", 4242, "/srv/other.db", T0, T0,
                    T0.plus(Duration.ofHours(1)));
            assertThat(store.replace(intruder.toJson(), store.read().version())).isNotNull();
            clock.advance(Duration.ofSeconds(10));
            for (int i = 0; i < 100 && ds.leaseProblem() == null; i++) {
                Thread.sleep(50);
            }
            // Not after the five-minute commit timeout: waiting could not help.
            assertThatThrownBy(() -> insert(ds, "two"))
                    .isInstanceOfSatisfying(io.github.durablesqlite.NotReplicatedException.class,
                            e -> assertThat(e.committedLocally()).isTrue())
                    .hasMessageContaining("will not reach replica").hasMessageContaining("other-host");
            assertThat(count(ds)).isEqualTo(2);
        }
    }

    @Test
    void aReplicaLitestreamWroteIsLeasedAndLitestreamStillReadsItWithTheLeaseInPlace() throws Exception {
        LitestreamOracle.assumeAvailable();
        String bucket = S3.newBucket();
        String url = S3.replicaUrl(bucket, "app");
        LitestreamOracle.write(url, S3.env(), List.of("CREATE TABLE t(v TEXT)", "INSERT INTO t VALUES ('litestream')"));
        assertThat(leaseStore(url).read()).as("Litestream writes no lease object of ours").isNull();
        try (DurableDataSource ds = configure(dir.resolve("app.db"), url).build()) {
            assertThat(count(ds)).isEqualTo(1);
            insert(ds, "durable-sqlite");
            ds.replicateNow(Duration.ofSeconds(10));
            assertThat(leaseStore(url).read()).as("the lease while running").isNotNull();
            assertThat(LitestreamOracle.query(url, S3.env(), "SELECT v FROM t ORDER BY rowid;"))
                    .isEqualTo("litestream\ndurable-sqlite\n");
        }
    }

    @Test
    void aDirectoryReplicaIsLeasedTheSameWay() throws Exception {
        String url = dir.resolve("replica").toUri().toString();
        try (DurableDataSource blue = configure(dir.resolve("blue.db"), url).build()) {
            insert(blue, "blue");
            assertThat(Files.exists(dir.resolve("replica/lease.json"))).isTrue();
            try (DurableDataSource green = configure(dir.resolve("green.db"), url).build()) {
                assertThatThrownBy(green::getConnection).isInstanceOf(ReplicaLeaseException.class)
                        .hasMessageContaining("database " + dir.resolve("blue.db"));
            }
        }
        assertThat(Files.exists(dir.resolve("replica/lease.json"))).isFalse();
        try (DurableDataSource green = configure(dir.resolve("green.db"), url).build()) {
            assertThat(count(green)).isEqualTo(1);
        }
    }

    @Test
    void withTheLeaseOffTwoInstancesStartAsBefore() throws Exception {
        String url = S3.replicaUrl(S3.newBucket(), "app");
        try (DurableDataSource blue = configure(dir.resolve("blue.db"), url).lease(false).build();
             DurableDataSource green = configure(dir.resolve("green.db"), url).lease(false).build()) {
            insert(blue, "blue");
            blue.replicateNow(Duration.ofSeconds(10));
            assertThat(green.getConnection()).isNotNull();
            assertThat(leaseStore(url).read()).isNull();
        }
        assertThatThrownBy(() -> DurableSqlite.configure().leaseTtl(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseTtl must be at least 1s");
    }
}
