package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.Verification;
import io.github.durablesqlite.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restore drills, scheduled by the engine's clock or run on demand, report through status and metrics. */
class RestoreDrillTest {
    @TempDir
    Path dir;

    @Test
    void aScheduledDrillProvesTheReplicaAndABadFileFailsItByName() throws Exception {
        MutableClock clock = new MutableClock(HistoryHarness.START);
        AtomicReference<String> reported = new AtomicReference<>();
        ReplicationMetrics metrics = new ReplicationMetrics() {
            @Override
            public void verified(boolean ok, long txid, long nanos) {
                reported.set(ok + " " + txid);
            }
        };
        Path replica = dir.resolve("replica");
        try (DurableDataSource ds = DurableSqlite.configure().path(dir.resolve("app.db"))
                .replicaUrl(replica.toUri().toString()).environment(Map.of()).clock(clock).metrics(metrics)
                .compactionIntervals().verifyInterval(Duration.ofHours(1)).build();
             Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(v TEXT)");
            s.execute("INSERT INTO t VALUES ('checked')");
            long txid = ds.replicateNow(Duration.ofSeconds(10));
            assertThat(ds.lastVerification()).isNull();

            clock.advance(Duration.ofHours(1)); // the drill's boundary; its thread looks within a second
            Verification scheduled = await(ds, null);
            assertThat(scheduled.ok()).as(scheduled.error()).isTrue();
            assertThat(scheduled.txid()).isEqualTo(txid);
            assertThat(scheduled.files()).isPositive();
            assertThat(scheduled.at()).isEqualTo(clock.instant());
            assertThat(reported.get()).isEqualTo("true " + txid);
            try (Stream<Path> left = Files.walk(dir).filter(p -> p.toString().endsWith(".db") && p.toString().contains("drill"))) {
                assertThat(left).as("scratch files left by the drill").isEmpty();
            }

            List<Path> level0;
            try (Stream<Path> files = Files.list(replica.resolve("ltx").resolve("0"))) {
                level0 = files.sorted().toList();
            }
            Path victim = level0.get(level0.size() - 1);
            byte[] bytes = Files.readAllBytes(victim);
            bytes[bytes.length / 2] ^= 0x10;
            Files.write(victim, bytes);
            Verification failed = ds.verifyNow();
            assertThat(failed.ok()).isFalse();
            assertThat(failed.error()).contains(victim.getFileName().toString());
            assertThat(ds.lastVerification()).isEqualTo(failed);
            assertThat(reported.get()).isEqualTo("false 0");
        }
    }

    private static Verification await(DurableDataSource ds, Verification previous) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Verification last = ds.lastVerification();
            if (last != null && !last.equals(previous)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no drill ran");
    }
}
