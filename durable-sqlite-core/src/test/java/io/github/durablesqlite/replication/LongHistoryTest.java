package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.testing.DatabaseDump;
import io.github.durablesqlite.testing.FastDisk;
import io.github.durablesqlite.testing.LitestreamOracle;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Thousands of commits, one a (simulated) second, with short level intervals: the replica stays a
 * handful of files deep for the newest state, every retained point in time restores exactly, and
 * Litestream's own reader agrees.
 */
class LongHistoryTest {
    static final HistoryOptions SHORT = new HistoryOptions(
            List.of(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(300)),
            Duration.ofSeconds(900), Duration.ofSeconds(1200), Duration.ofSeconds(60), null);
    /** Just short of a snapshot boundary (3600 s): the newest state is then as far from a snapshot as it gets. */
    static final int COMMITS = 3590;

    Path dir;

    @BeforeEach
    void createDir() throws Exception {
        dir = FastDisk.createTempDirectory("long-history");
    }

    @AfterEach
    void deleteDir() {
        FastDisk.delete(dir);
    }

    @Test
    void compactedHistoryRestoresExactlyFromAFewFiles() throws Exception {
        String url = dir.resolve("replica").toUri().toString();
        try (HistoryHarness h = new HistoryHarness(dir, url, Map.of(), SHORT)) {
            for (int i = 0; i < COMMITS; i++) {
                h.commit();
                h.advance(Duration.ofSeconds(1));
            }
            Instant now = h.clock.instant();
            for (int level : new int[] {1, 2, 3, 9}) {
                assertThat(h.files(level)).as("level %d", level).isNotEmpty();
            }
            // Retention: nothing older than the anchor snapshot, and every level still chains.
            assertThat(h.files(9)).hasSizeLessThanOrEqualTo(3);
            assertThat(h.files(0).size()).as("level 0 keeps only the last minute or so").isLessThan(90);
            int total = 0;
            for (int level = 0; level <= 9; level++) {
                total += h.files(level).size();
            }
            assertThat(total).as("files in the replica").isLessThan(COMMITS / 5);

            long latest = h.digests.lastKey();
            Restorer restorer = new Restorer(h.client, ReplicationMetrics.NONE);
            Restorer.Result result = restorer.restore(dir.resolve("latest.db"), null, null, null, null);
            assertThat(result.txid()).isEqualTo(latest);
            assertThat(result.files()).as("files read for the newest state").isLessThanOrEqualTo(12);
            assertThat(HistoryHarness.digest(dir.resolve("latest.db"))).isEqualTo(h.digests.get(latest));
            System.out.printf("after %d commits: %d files in the replica, latest restore read %d files in %d ms "
                    + "(without compaction: %d files)%n", COMMITS, total, result.files(), result.nanos() / 1_000_000,
                    latest);
            // Litestream's reader plans its own way through the same levels and gets the same database.
            if (LitestreamOracle.available() || "true".equals(System.getenv("CI"))) {
                assertThat(LitestreamOracle.dump(url, Map.of())).isEqualTo(sqliteDump(dir.resolve("latest.db")));
            }

            // Every 41 s back to the retention limit: the restored state is one the database had,
            // no older than one level-1 interval before the point (exact within the level-0 window).
            Instant oldest = now.minus(SHORT.retention());
            int checked = 0;
            for (Instant t = now.minusSeconds(1); !t.isBefore(oldest); t = t.minusSeconds(41)) {
                Path out = dir.resolve("pit-" + checked++ + ".db");
                Restorer.Result pit = restorer.restore(out, null, t, null, null);
                long wanted = h.txidAt(t);
                assertThat(pit.txid()).as("TXID restored for %s", t).isLessThanOrEqualTo(wanted);
                assertThat(HistoryHarness.digest(out)).as("state at TXID %d", pit.txid())
                        .isEqualTo(h.digests.get(pit.txid()));
                Duration age = Duration.between(h.times.get(pit.txid()), t);
                if (t.isAfter(now.minus(SHORT.l0Retention()))) {
                    assertThat(pit.txid()).isEqualTo(wanted);
                } else {
                    assertThat(age).isLessThanOrEqualTo(SHORT.interval(1));
                }
            }
            assertThat(checked).isGreaterThan(25);

            // A fresh snapshot: the newest state is then one file away.
            h.clock.set(CompactionSchedule.nextBoundary(h.clock.instant(), SHORT.snapshotInterval()));
            h.commit();
            h.advance(Duration.ZERO);
            Restorer.Result fresh = restorer.restore(dir.resolve("fresh.db"), null, null, null, null);
            assertThat(fresh.files()).isLessThanOrEqualTo(2);
            System.out.printf("right after a fresh snapshot: latest restore read %d files in %d ms%n",
                    fresh.files(), fresh.nanos() / 1_000_000);
            assertThat(DatabaseDump.of(dir.resolve("fresh.db"))).isEqualTo(DatabaseDump.of(h.app));
            LitestreamOracle.assumeAvailable();
            assertThat(LitestreamOracle.dump(url, Map.of())).isEqualTo(sqliteDump(dir.resolve("fresh.db")));
        }
    }

    private static String sqliteDump(Path db) throws Exception {
        return io.github.durablesqlite.testing.Sqlite3.exec(db, ".dump\n");
    }
}
