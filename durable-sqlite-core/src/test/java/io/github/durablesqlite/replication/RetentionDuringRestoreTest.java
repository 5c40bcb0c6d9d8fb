package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.FastDisk;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retention deletes files while a restore is reading the replica; the restore still comes out exact. */
class RetentionDuringRestoreTest {
    Path dir;

    @BeforeEach
    void createDir() throws Exception {
        dir = FastDisk.createTempDirectory("retention-restore");
    }

    @AfterEach
    void deleteDir() {
        FastDisk.delete(dir);
    }

    private HistoryHarness harness(GatedClient[] gate, HistoryOptions options) throws Exception {
        String url = dir.resolve("replica").toUri().toString();
        gate[0] = new GatedClient(ReplicaClients.open(ReplicaUrl.parse(url), Map.of()));
        return new HistoryHarness(dir, gate[0], url, options);
    }

    @Test
    void filesARestoreInThisProcessIsReadingStayUntilItIsDone() throws Exception {
        GatedClient[] gate = new GatedClient[1];
        try (HistoryHarness h = harness(gate, LongHistoryTest.SHORT)) {
            for (int i = 0; i < 1300; i++) {
                h.commit();
                h.advance(Duration.ofSeconds(1));
            }
            // The oldest retained point: its plan starts at the oldest snapshot kept.
            Instant oldest = h.clock.instant().minus(LongHistoryTest.SHORT.retention()).plusSeconds(5);
            Restorer restorer = new Restorer(h.client, ReplicationMetrics.NONE, h.replicator.leases());
            gate[0].holdAtOpen(2);
            CompletableFuture<Restorer.Result> restore = CompletableFuture.supplyAsync(() -> {
                try {
                    return restorer.restore(dir.resolve("old.db"), null, oldest, null, null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(gate[0].held.await(30, TimeUnit.SECONDS)).isTrue();
            List<LtxFileInfo> level1Before = h.files(1);

            // Meanwhile an hour passes for the replicator: new snapshots, compactions, and retention.
            for (int i = 0; i < 360; i++) {
                h.commit();
                h.advance(Duration.ofSeconds(10));
            }
            assertThat(h.files(1)).as("retention deleted old level-1 files meanwhile")
                    .doesNotContainAnyElementsOf(level1Before.subList(level1Before.size() / 2, level1Before.size() / 2 + 1))
                    .hasSizeLessThan(level1Before.size() + 360 / 10);

            gate[0].release.countDown();
            Restorer.Result result = restore.get(60, TimeUnit.SECONDS);
            assertThat(HistoryHarness.digest(dir.resolve("old.db"))).isEqualTo(h.digests.get(result.txid()));
            assertThat(result.txid()).isLessThanOrEqualTo(h.txidAt(oldest));
            assertThat(gate[0].readerMisses).as("files that vanished under the restore").hasValue(0);

            // Once the restore let go, the files it held (no longer needed by any retained point) go too.
            List<String> deletedNow = h.replicator.history().applyRetention(h.clock.instant()).stream()
                    .map(f -> f.level() + "/" + f.fileName()).toList();
            assertThat(deletedNow).isNotEmpty().isSubsetOf(gate[0].readerOpens);
        }
    }

    @Test
    void aRestoreInAnotherProcessPlansAroundFilesThatVanish() throws Exception {
        HistoryOptions options = new HistoryOptions(List.of(Duration.ofSeconds(60)), Duration.ofHours(1),
                Duration.ofHours(1), Duration.ZERO, null);
        GatedClient[] gate = new GatedClient[1];
        try (HistoryHarness h = harness(gate, options)) {
            for (int i = 0; i < 100; i++) {
                h.commit();
                h.advance(Duration.ofMillis(500));
            }
            // Level 1 ran at 00:00:00 and 00:01:00 but not since, so the plan ends with ~40 level-0 files.
            Restorer restorer = new Restorer(gate[0], ReplicationMetrics.NONE); // no leases shared with the replicator
            long latest = h.digests.lastKey();
            gate[0].holdAtOpen(17); // the first file of the second batch
            CompletableFuture<Restorer.Result> restore = CompletableFuture.supplyAsync(() -> {
                try {
                    return restorer.restore(dir.resolve("latest.db"), null, null, null, null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(gate[0].held.await(30, TimeUnit.SECONDS)).isTrue();
            // Level 1 now covers those level-0 files, and with no level-0 window they are deleted.
            h.advance(Duration.ofSeconds(60));
            assertThat(h.files(1)).isNotEmpty();
            assertThat(h.files(0)).hasSizeLessThan(5);

            gate[0].release.countDown();
            Restorer.Result result = restore.get(60, TimeUnit.SECONDS);
            assertThat(result.txid()).isEqualTo(latest);
            assertThat(HistoryHarness.digest(dir.resolve("latest.db"))).isEqualTo(h.digests.get(latest));
        }
    }
}
