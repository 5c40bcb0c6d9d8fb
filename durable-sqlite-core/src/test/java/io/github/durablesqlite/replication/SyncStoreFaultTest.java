package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.Durability;
import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.NotReplicatedException;
import io.github.durablesqlite.testing.DatabaseDump;
import io.github.durablesqlite.testing.FaultProxy;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow or flaky store in SYNC mode: every commit waits for the replica, so an added latency shows
 * in every commit; 503s and resets are retried within the commit timeout; whatever the outcome, each
 * commit that reached the local database ends up in the replica. The outage is in {@link OutageFaultTest}.
 */
class SyncStoreFaultTest {
    private static final Duration LATENCY = Duration.ofMillis(500);
    private static final S3ProxyServer S3 = S3ProxyServer.shared();
    private static final FaultFigures FIGURES = new FaultFigures("sync-store-faults");

    @TempDir
    Path dir;

    @AfterAll
    static void writeFigures() {
        FIGURES.write();
    }

    @Test
    void commitsWaitForASlowOrFlakyStoreAndEveryCommittedRowReachesTheReplica() throws Exception {
        String bucket = S3.newBucket();
        Path db = dir.resolve("app.db");
        String expected;
        List<Long> mustHave = new ArrayList<>();
        try (FaultProxy proxy = FaultProxy.start(S3);
             DurableDataSource ds = DurableSqlite.configure().path(db).replicaUrl(proxy.replicaUrl(bucket, "app"))
                     .environment(S3.env()).durability(Durability.SYNC).commitTimeout(Duration.ofSeconds(5))
                     .syncInterval(Duration.ofMillis(100)).closeTimeout(Duration.ofSeconds(5)).build()) {
            FaultWorkload workload = FaultWorkload.start(ds, 1, 10);
            try (workload) {
                phase(workload, proxy, "latency 500ms", p -> p.latency(LATENCY), times ->
                        // Each commit waits for an upload sent after it, which the proxy holds back.
                        assertThat(times.fastestMillis()).isGreaterThanOrEqualTo(LATENCY.toMillis()));
                phase(workload, proxy, "503 to 30%, resets 10% mid-request, 10% mid-response",
                        p -> p.errors(503, 0.3).resetsMidRequest(0.1).resetsMidResponse(0.1), times -> { });
                phase(workload, proxy, "slow uploads 4 kB/s", p -> p.slowUploads(4_000), times -> { });
            }
            for (FaultWorkload.Failure failure : workload.failures()) {
                // A commit the store could not confirm in time is still a local commit: never "lost".
                assertThat((Throwable) failure.error()).isInstanceOfSatisfying(NotReplicatedException.class,
                        e -> assertThat(e.committedLocally()).isTrue());
                mustHave.add(failure.id());
            }
            FIGURES.put("commits that timed out (committed locally)", workload.failures().size());
            mustHave.addAll(workload.acknowledged());
            FIGURES.put("rows acknowledged", workload.acknowledgedCount());
            ds.awaitReplicated(Duration.ofSeconds(60));
            try (Connection c = ds.getConnection()) {
                expected = DatabaseDump.of(c);
            }
            FIGURES.put("injected", proxy.injected());
        }
        FIGURES.put("rows lost", FaultWorkload.assertRestoreHolds(S3.replicaUrl(bucket, "app"), S3.env(), expected,
                mustHave));
    }

    private void phase(FaultWorkload workload, FaultProxy proxy, String name,
                       Consumer<FaultProxy> fault,
                       Consumer<FaultWorkload.CommitTimes> check) throws InterruptedException {
        fault.accept(proxy);
        Thread.sleep(1_000); // let a commit that began before the fault finish outside the measured span
        int before = workload.acknowledgedCount();
        workload.takeCommitTimes();
        Thread.sleep(AsyncStoreFaultTest.PHASE.toMillis());
        FaultWorkload.CommitTimes times = workload.takeCommitTimes();
        int written = workload.acknowledgedCount() - before;
        proxy.passThrough();
        FIGURES.put("phase " + name + ": rows acknowledged", written);
        FIGURES.put("phase " + name + ": fastest/slowest commit ms", times.fastestMillis() + "/" + times.slowestMillis());
        check.accept(times);
    }
}
