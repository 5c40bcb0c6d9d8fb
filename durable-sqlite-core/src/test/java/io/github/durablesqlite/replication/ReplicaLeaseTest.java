package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.durablesqlite.ReplicaLeaseException;
import io.github.durablesqlite.replica.LeaseStore;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.MutableClock;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lease protocol against a real S3 server and a real directory. Time is an injected clock, so
 * expiry needs no sleeping; each contender has its own clock, as separate hosts would.
 */
class ReplicaLeaseTest {
    private static final S3ProxyServer S3 = S3ProxyServer.shared();
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final List<ReplicaLease> leases = new ArrayList<>();
    private final List<ReplicaClient> clients = new ArrayList<>();

    @AfterEach
    void releaseAll() throws IOException {
        leases.forEach(ReplicaLease::release);
        for (ReplicaClient client : clients) {
            client.close();
        }
    }

    private String newUrl(String type) {
        String prefix = "app-" + PREFIXES.incrementAndGet();
        return type.equals("s3") ? S3.replicaUrl(S3.newBucket(), prefix) : dir.resolve(prefix).toUri().toString();
    }

    private ReplicaLease lease(String url, String db, Clock clock, Duration ttl) throws IOException {
        ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(url), S3.env());
        clients.add(client);
        ReplicaLease lease = new ReplicaLease(db, client.leaseStore(), client.describe(), dir.resolve(db), ttl, clock);
        leases.add(lease);
        return lease;
    }

    private LeaseStore store(String url) throws IOException {
        ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(url), S3.env());
        clients.add(client);
        return client.leaseStore();
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "file"})
    void aSecondInstanceIsRefusedWithTheHoldersNameInEveryTrial(String type) throws Exception {
        for (int trial = 0; trial < 10; trial++) {
            String url = newUrl(type);
            MutableClock clock = new MutableClock(T0);
            lease(url, "blue.db", clock, TTL).acquire();
            clock.advance(Duration.ofSeconds(29)); // one second before it would expire
            ReplicaLease green = lease(url, "green.db", clock, TTL);
            assertThatThrownBy(green::acquire)
                    .isInstanceOf(ReplicaLeaseException.class)
                    .hasMessageContaining("is in use by another instance")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("database " + dir.resolve("blue.db"))
                    .hasMessageContaining("expires at 2026-01-01T00:00:30Z (in 1 s)")
                    .hasMessageContaining("Stop that instance");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "file"})
    void ofContendersRacingForAFreeReplicaExactlyOneWinsInEveryTrial(String type) throws Exception {
        int contenders = 6;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            for (int trial = 0; trial < 10; trial++) {
                String url = newUrl(type);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < contenders; i++) {
                    ReplicaLease lease = lease(url, "c" + i + ".db", Clock.systemUTC(), TTL);
                    results.add(pool.submit(() -> {
                        go.await();
                        try {
                            lease.acquire();
                            return true;
                        } catch (ReplicaLeaseException refused) {
                            return false;
                        }
                    }));
                }
                go.countDown();
                int winners = 0;
                for (Future<Boolean> result : results) {
                    winners += result.get() ? 1 : 0;
                }
                assertThat(winners).as("winners in trial " + trial).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "file"})
    void aCleanReleaseLetsTheSuccessorInAtOnce(String type) throws Exception {
        String url = newUrl(type);
        MutableClock clock = new MutableClock(T0);
        ReplicaLease blue = lease(url, "blue.db", clock, TTL);
        blue.acquire();
        blue.release();
        assertThat(store(url).read()).as("the lease object after release").isNull();
        ReplicaLease green = lease(url, "green.db", clock, TTL);
        green.acquire();
        green.ensureHeld();
        assertThat(LeaseRecord.parse(store(url).read().content()).holder()).isEqualTo(green.holder());
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "file"})
    void anExpiredLeaseIsTakenOverAndItsOldHolderFencedWhenItWakes(String type) throws Exception {
        String url = newUrl(type);
        MutableClock blueClock = new MutableClock(T0);
        ReplicaLease blue = lease(url, "blue.db", blueClock, TTL);
        blue.acquire();
        blue.ensureHeld();

        // Blue stops renewing (its clock stands still, as a frozen or killed process would);
        // green's clock has passed blue's expiry.
        MutableClock greenClock = new MutableClock(T0.plus(TTL).plusSeconds(1));
        ReplicaLease green = lease(url, "green.db", greenClock, TTL);
        green.acquire();
        assertThat(LeaseRecord.parse(store(url).read().content()).holder()).isEqualTo(green.holder());

        // Blue wakes: past its own safety margin it must renew before writing, and finds green.
        blueClock.advance(Duration.ofSeconds(26));
        assertThatThrownBy(blue::ensureHeld).isInstanceOf(IOException.class)
                .hasMessageContaining("lost the lease")
                .hasMessageContaining("database " + dir.resolve("green.db"));
        assertThat(blue.problem()).contains("lost the lease");
        assertThatThrownBy(blue::ensureHeld).as("lost for good").hasMessageContaining("lost the lease");
        blue.release();
        assertThat(LeaseRecord.parse(store(url).read().content()).holder())
                .as("a fenced holder's release leaves the successor's lease alone").isEqualTo(green.holder());
        green.ensureHeld();
    }

    @Test
    void theHolderRenewsOnItsClockAndStopsWritingWhenItCannotRenew() throws Exception {
        String url = newUrl("s3");
        MutableClock clock = new MutableClock(T0);
        ReplicaLease lease = lease(url, "app.db", clock, TTL);
        lease.acquire();
        String first = store(url).read().version();
        clock.advance(Duration.ofSeconds(10));
        awaitVersionChange(url, first); // the background renewal follows the clock
        assertThat(LeaseRecord.parse(store(url).read().content()).expiresAt()).isEqualTo(T0.plusSeconds(40));

        S3.outage();
        try {
            clock.advance(Duration.ofSeconds(35)); // past the margin since the last renewal
            assertThatThrownBy(lease::ensureHeld).isInstanceOf(IOException.class)
                    .hasMessageContaining("could not be renewed");
            assertThat(lease.problem()).contains("paused");
        } finally {
            S3.recover();
        }
        lease.ensureHeld(); // the lease is still ours: nobody changed it meanwhile
        assertThat(lease.problem()).isNull();
    }

    private void awaitVersionChange(String url, String version) throws Exception {
        LeaseStore store = store(url);
        for (int i = 0; i < 100 && store.read().version().equals(version); i++) {
            Thread.sleep(50);
        }
        assertThat(store.read().version()).isNotEqualTo(version);
    }

    @Test
    void aLeaseObjectItCannotReadIsNeverTakenOver() throws Exception {
        String url = newUrl("file");
        store(url).create("not json".getBytes(StandardCharsets.UTF_8));
        ReplicaLease lease = lease(url, "app.db", new MutableClock(T0.plus(Duration.ofDays(365))), TTL);
        assertThatThrownBy(lease::acquire).isInstanceOf(ReplicaLeaseException.class)
                .hasMessageContaining("cannot read (no \"holder\" field)")
                .hasMessageContaining("Delete that object if no other instance replicates");
    }

    @Test
    void aLeaseLeftByAnEarlierRunOfTheSameDatabaseHereIsWaitedForThenTakenOver() throws Exception {
        String url = newUrl("s3");
        Duration ttl = Duration.ofSeconds(1);
        // The earlier run was killed: its lease stays until it expires (its clock never moves again).
        lease(url, "app.db", new MutableClock(Instant.now()), ttl).acquire();
        ReplicaLease restarted = lease(url, "app.db", Clock.systemUTC(), ttl);
        long started = System.nanoTime();
        restarted.acquire();
        System.out.printf("restart on the same host took over a killed run's lease (TTL %s) after %d ms%n", ttl,
                (System.nanoTime() - started) / 1_000_000);
        assertThat(LeaseRecord.parse(store(url).read().content()).holder()).isEqualTo(restarted.holder());
    }

    @Test
    void aLiveInstanceOfTheSameDatabaseHereIsWaitedForThenRefused() throws Exception {
        String url = newUrl("s3");
        Duration ttl = Duration.ofSeconds(1);
        lease(url, "app.db", Clock.systemUTC(), ttl).acquire(); // renews every third of a second
        ReplicaLease second = lease(url, "app.db", Clock.systemUTC(), ttl);
        assertThatThrownBy(second::acquire).isInstanceOf(ReplicaLeaseException.class)
                .hasMessageContaining("is in use by another instance");
    }

    @Test
    void theLeaseObjectSaysWhoHoldsItInPlainJson() throws Exception {
        String url = newUrl("file");
        lease(url, "app.db", new MutableClock(T0), TTL).acquire();
        String json = new String(store(url).read().content(), StandardCharsets.UTF_8);
        assertThat(json).contains("\"pid\": " + ProcessHandle.current().pid())
                .contains("\"database\": \"" + dir.resolve("app.db") + "\"")
                .contains("\"acquiredAt\": \"2026-01-01T00:00:00Z\"")
                .contains("\"expiresAt\": \"2026-01-01T00:00:30Z\"");
        LeaseRecord parsed = LeaseRecord.parse(json.getBytes(StandardCharsets.UTF_8));
        assertThat(LeaseRecord.parse(parsed.toJson())).isEqualTo(parsed);
    }
}
