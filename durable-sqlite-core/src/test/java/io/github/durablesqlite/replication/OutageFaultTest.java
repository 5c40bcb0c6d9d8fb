package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.Durability;
import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.NotReplicatedException;
import io.github.durablesqlite.ReplicationStatus;
import io.github.durablesqlite.testing.DatabaseDump;
import io.github.durablesqlite.testing.FaultProxy;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store outage (every connection reset) through a {@link FaultProxy}, with an ASYNC and a SYNC
 * data source writing side by side so one outage serves both. ASYNC: commits go on, the status
 * reports the outage while it lasts and clears after, the backlog reaches the replica. SYNC: commits
 * fail at their timeout with {@link NotReplicatedException} (committed locally), succeed again after,
 * and every row, timed out or not, reaches the replica. The quick form's outage lasts 20 s;
 * {@code -Dfaults.outage=2m} is the long form.
 */
class OutageFaultTest {
    static final Duration OUTAGE = FaultFigures.length("faults.outage", Duration.ofSeconds(20));
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(3);
    private static final S3ProxyServer S3 = S3ProxyServer.shared();
    private static final FaultFigures FIGURES = new FaultFigures("outage-faults");

    @TempDir
    Path dir;

    @AfterAll
    static void writeFigures() {
        FIGURES.write();
    }

    private static DurableDataSource open(Path db, String url, Durability durability) {
        return DurableSqlite.configure().path(db).replicaUrl(url).environment(S3.env()).durability(durability)
                .commitTimeout(COMMIT_TIMEOUT).syncInterval(Duration.ofMillis(100))
                .closeTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void asyncWritesOnAndCatchesUpSyncFailsAtItsTimeoutAndNothingIsLost() throws Exception {
        String bucket = S3.newBucket();
        String asyncExpected;
        String syncExpected;
        List<Long> asyncRows;
        List<Long> syncRows = new ArrayList<>();
        try (FaultProxy proxy = FaultProxy.start(S3);
             DurableDataSource async = open(dir.resolve("async.db"), proxy.replicaUrl(bucket, "async"), Durability.ASYNC);
             DurableDataSource sync = open(dir.resolve("sync.db"), proxy.replicaUrl(bucket, "sync"), Durability.SYNC)) {
            FaultWorkload asyncLoad = FaultWorkload.start(async, 1, 10);
            FaultWorkload syncLoad = FaultWorkload.start(sync, 1, 10);
            try (asyncLoad; syncLoad) {
                async.replicateNow(Duration.ofSeconds(30));
                sync.awaitReplicated(Duration.ofSeconds(30));
                assertThat(syncLoad.failures()).isEmpty();
                long outageStart = System.nanoTime();
                int asyncBefore = asyncLoad.acknowledgedCount();
                int syncBefore = syncLoad.acknowledgedCount();
                asyncLoad.takeCommitTimes();
                proxy.outage();

                // DOWN, in core's terms: failed uploads counted and an error reported.
                assertThat(FaultFigures.waitFor(OUTAGE, () -> {
                    ReplicationStatus s = async.status();
                    return s.failedUploads() > 0 && s.lastError() != null;
                })).as("the status reports the outage while it lasts").isTrue();
                FIGURES.put("async: seconds until the status reported the outage", seconds(outageStart));
                assertThat(proxy.inOutage()).isTrue();
                Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - outageStart) / 1_000_000));
                ReplicationStatus during = async.status();
                assertThat(during.failedUploads()).isPositive();
                assertThat(during.pendingTxids()).isPositive();
                long asyncLocalAtEnd = during.localTxid();
                int syncFailuresAtEnd = syncLoad.failures().size();
                int syncAcknowledgedAtEnd = syncLoad.acknowledgedCount();
                proxy.passThrough();
                long outageEnd = System.nanoTime();
                FIGURES.put("outage length", OUTAGE);
                FIGURES.put("async: rows written during the outage", asyncLoad.acknowledgedCount() - asyncBefore);
                FIGURES.put("async: slowest commit during the outage, ms", asyncLoad.takeCommitTimes().slowestMillis());
                FIGURES.put("async: TXIDs pending at the outage's end", during.pendingTxids());
                FIGURES.put("sync: commits acknowledged during the outage", syncAcknowledgedAtEnd - syncBefore);
                FIGURES.put("sync: commits timed out during the outage", syncFailuresAtEnd);

                // Both recover at once; each time is taken when its own condition first holds.
                String[] recovered = new String[2];
                assertThat(FaultFigures.waitFor(Duration.ofMinutes(3), () -> {
                    if (recovered[0] == null && async.status().remoteTxid() >= asyncLocalAtEnd) {
                        recovered[0] = seconds(outageEnd);
                    }
                    if (recovered[1] == null && syncLoad.acknowledgedCount() > syncAcknowledgedAtEnd) {
                        recovered[1] = seconds(outageEnd);
                    }
                    return recovered[0] != null && recovered[1] != null;
                })).as("async replication catches up (%s s) and sync commits succeed again (%s s) after the outage",
                        recovered[0], recovered[1]).isTrue();
                FIGURES.put("async: seconds to catch up after the outage ended", recovered[0]);
                FIGURES.put("sync: seconds until a commit succeeded after the outage ended", recovered[1]);
                assertThat(FaultFigures.waitFor(Duration.ofSeconds(30), () -> {
                    ReplicationStatus s = async.status();
                    return s.failedUploads() == 0 && s.lastError() == null;
                })).as("the status is clear again").isTrue();
                FIGURES.put("injected", proxy.injected());
                // Once sync commits succeed again, the next few must too (no lingering failures).
                int acknowledgedNow = syncLoad.acknowledgedCount();
                int failuresNow = syncLoad.failures().size();
                assertThat(FaultFigures.waitFor(Duration.ofSeconds(30),
                        () -> syncLoad.acknowledgedCount() >= acknowledgedNow + 5)).isTrue();
                assertThat(syncLoad.failures()).hasSize(failuresNow);
            }

            assertThat(asyncLoad.failures()).isEmpty();
            async.replicateNow(Duration.ofSeconds(60));
            assertThat(async.status().remoteTxid()).isEqualTo(async.status().localTxid());
            asyncRows = asyncLoad.acknowledged();
            try (Connection c = async.getConnection()) {
                asyncExpected = DatabaseDump.of(c);
            }

            assertThat(syncLoad.failures()).as("sync commits time out during the outage").isNotEmpty();
            for (FaultWorkload.Failure failure : syncLoad.failures()) {
                assertThat((Throwable) failure.error()).isInstanceOfSatisfying(NotReplicatedException.class,
                        e -> assertThat(e.committedLocally()).isTrue());
                // it gave up at its timeout, not before
                assertThat(failure.millis()).isGreaterThanOrEqualTo(COMMIT_TIMEOUT.toMillis());
                syncRows.add(failure.id());
            }
            syncRows.addAll(syncLoad.acknowledged());
            sync.awaitReplicated(Duration.ofSeconds(60));
            try (Connection c = sync.getConnection()) {
                syncExpected = DatabaseDump.of(c);
            }
            FIGURES.put("async: rows acknowledged", asyncRows.size());
            FIGURES.put("sync: rows acknowledged", syncLoad.acknowledgedCount());
        }
        FIGURES.put("async: rows lost", FaultWorkload.assertRestoreHolds(S3.replicaUrl(bucket, "async"), S3.env(),
                asyncExpected, asyncRows));
        FIGURES.put("sync: rows lost, timed-out commits included", FaultWorkload.assertRestoreHolds(
                S3.replicaUrl(bucket, "sync"), S3.env(), syncExpected, syncRows));
    }

    private static String seconds(long sinceNanos) {
        return String.format("%.1f", (System.nanoTime() - sinceNanos) / 1e9);
    }
}
