package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.testing.FastDisk;
import io.github.durablesqlite.testing.MutableClock;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Store requests, counted by the engine: none while idle but the lease's renewals, and what a busy hour costs with the defaults. */
class RequestCountTest {
    private static final S3ProxyServer S3 = S3ProxyServer.shared();

    Path dir;

    @BeforeEach
    void createDir() throws Exception {
        dir = FastDisk.createTempDirectory("requests");
    }

    @AfterEach
    void deleteDir() {
        FastDisk.delete(dir);
    }

    @Test
    void anIdleDatabaseMakesNoRequestsAtAll() throws Exception {
        MutableClock clock = new MutableClock(HistoryHarness.START);
        try (DurableDataSource ds = DurableSqlite.configure().path(dir.resolve("app.db"))
                .replicaUrl(S3.replicaUrl(S3.newBucket(), "app")).environment(S3.env())
                .syncInterval(Duration.ofMillis(50)).clock(clock).build();
             Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(v TEXT)");
            for (int i = 0; i < 20; i++) {
                s.execute("INSERT INTO t VALUES ('row " + i + "')");
            }
            ds.replicateNow(Duration.ofSeconds(10));
            // Let the history settle: an hour later every level has merged what there was.
            clock.advance(Duration.ofHours(1));
            awaitQuiet(ds);
            long before = total(ds);
            Map<String, Long> countsBefore = ds.storeRequests();

            // Two idle hours go by on the engine's clock while its threads run for real:
            // 100 sync-loop ticks, the history thread waking every second, compaction levels due many times.
            for (int step = 0; step < 10; step++) {
                clock.advance(Duration.ofMinutes(12));
                Thread.sleep(500);
            }
            // The replica's lease is the one exception: its holder renews it every ttl/3 (10 s by default).
            assertThat(withoutLease(ds.storeRequests())).as("requests while idle").isEqualTo(withoutLease(countsBefore));
            long renewals = ds.storeRequests().get("lease-write") - countsBefore.get("lease-write");
            assertThat(renewals).as("lease renewals: at most one per step of the clock").isBetween(1L, 10L);
            assertThat(total(ds)).isEqualTo(before + renewals);
            System.out.printf("idle: %d requests in two hours, all lease renewals (after start-up: %s)%n",
                    total(ds) - before, countsBefore);
        }
    }

    private static Map<String, Long> withoutLease(Map<String, Long> counts) {
        Map<String, Long> rest = new TreeMap<>(counts);
        rest.keySet().removeIf(operation -> operation.startsWith("lease-"));
        return rest;
    }

    private static long total(DurableDataSource ds) {
        return ds.storeRequests().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Waits until no request was made for a second and a half (the history thread looks once a second). */
    private static void awaitQuiet(DurableDataSource ds) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 40; i++) {
            long now = total(ds);
            if (now == last) {
                return;
            }
            last = now;
            Thread.sleep(1500);
        }
        throw new AssertionError("the engine never went quiet: " + ds.storeRequests());
    }

    @Test
    void anHourAtOneCommitASecondWithTheDefaults() throws Exception {
        String url = dir.resolve("replica").toUri().toString();
        try (HistoryHarness h = new HistoryHarness(dir, url, Map.of(), HistoryOptions.defaults())) {
            for (int i = 0; i < 600; i++) { // warm up: ten minutes, so level-0 retention is under way
                h.commit();
                h.advance(Duration.ofSeconds(1));
            }
            Map<String, Long> before = h.client.requestCounts();
            for (int i = 0; i < 3600; i++) {
                h.commit();
                h.advance(Duration.ofSeconds(1));
            }
            Map<String, Long> hour = new TreeMap<>();
            h.client.requestCounts().forEach((op, n) -> hour.put(op, n - before.getOrDefault(op, 0L)));
            System.out.printf("one hour at one commit a second, default levels: %s%n", hour);
            // One upload per sync, one per level-1 (30 s), level-2 (5 min) and level-3 (1 h) compaction.
            assertThat(hour.get("write")).isBetween(3600L + 120 + 12, 3600L + 120 + 12 + 2);
            assertThat(hour.getOrDefault("list", 0L)).as("no listing while running").isZero();
            // Level-0 inputs come from the local cache; levels 2 and 3 download the level below.
            assertThat(hour.getOrDefault("open", 0L)).isBetween(12L * 10, 12L * 10 + 13);
            assertThat(hour.getOrDefault("delete", 0L)).isBetween(100L, 121L);
        }
    }
}
