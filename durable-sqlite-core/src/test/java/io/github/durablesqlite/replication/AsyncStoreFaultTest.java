package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.ReplicationStatus;
import io.github.durablesqlite.testing.DatabaseDump;
import io.github.durablesqlite.testing.FaultProxy;
import io.github.durablesqlite.testing.FaultProxy.Fault;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store faults short of an outage in ASYNC mode, through a {@link FaultProxy} in front of a real S3
 * server: the app keeps writing through each fault (no commit fails), replication catches up after
 * it, and a restore of the replica equals the source database row for row. The outage is in
 * {@link OutageFaultTest}. {@code -Dfaults.phase=30s} lengthens each fault.
 */
class AsyncStoreFaultTest {
    static final Duration PHASE = FaultFigures.length("faults.phase", Duration.ofSeconds(4));
    private static final S3ProxyServer S3 = S3ProxyServer.shared();
    private static final FaultFigures FIGURES = new FaultFigures("async-store-faults");

    @TempDir
    Path dir;

    @AfterAll
    static void writeFigures() {
        FIGURES.write();
    }

    /** The faults one after another, each for {@link #PHASE}, then all of them at once. */
    static Map<String, Consumer<FaultProxy>> phases() {
        Map<String, Consumer<FaultProxy>> phases = new LinkedHashMap<>();
        phases.put("latency 300ms", p -> p.latency(Duration.ofMillis(300)));
        phases.put("500 to 30%", p -> p.errors(500, 0.3));
        phases.put("503 to 30%", p -> p.errors(503, 0.3));
        phases.put("resets 15% mid-request, 15% mid-response", p -> p.resetsMidRequest(0.15).resetsMidResponse(0.15));
        phases.put("slow uploads 4 kB/s", p -> p.slowUploads(4_000));
        phases.put("all at once", p -> p.latency(Duration.ofMillis(100)).errors(503, 0.2).resetsMidRequest(0.1)
                .resetsMidResponse(0.1).slowUploads(16_000));
        return phases;
    }

    @Test
    void theAppWritesThroughLatencyErrorsResetsAndSlowUploadsAndNothingIsLost() throws Exception {
        String bucket = S3.newBucket();
        Path db = dir.resolve("app.db");
        String expected;
        List<Long> acknowledged;
        try (FaultProxy proxy = FaultProxy.start(S3);
             DurableDataSource ds = DurableSqlite.configure().path(db).replicaUrl(proxy.replicaUrl(bucket, "app"))
                     .environment(S3.env()).syncInterval(Duration.ofMillis(100)).closeTimeout(Duration.ofSeconds(5))
                     .build()) {
            FaultWorkload workload = FaultWorkload.start(ds, 1, 10);
            try (workload) {
                for (Map.Entry<String, Consumer<FaultProxy>> phase : phases().entrySet()) {
                    int before = workload.acknowledgedCount();
                    workload.takeCommitTimes();
                    phase.getValue().accept(proxy);
                    Thread.sleep(PHASE.toMillis());
                    proxy.passThrough();
                    FIGURES.put("phase " + phase.getKey() + ": rows written", workload.acknowledgedCount() - before);
                    FIGURES.put("phase " + phase.getKey() + ": slowest commit ms",
                            workload.takeCommitTimes().slowestMillis());
                }
            }
            assertThat(workload.failures()).isEmpty();
            ds.replicateNow(Duration.ofSeconds(60));
            ReplicationStatus caughtUp = ds.status();
            assertThat(caughtUp.remoteTxid()).isEqualTo(caughtUp.localTxid());
            assertThat(caughtUp.lastError()).isNull();
            acknowledged = workload.acknowledged();
            try (Connection c = ds.getConnection()) {
                expected = DatabaseDump.of(c);
            }
            Map<Fault, Long> injected = proxy.injected();
            FIGURES.put("injected", injected);
            FIGURES.put("rows acknowledged", acknowledged.size());
            for (Fault fault : List.of(Fault.LATENCY, Fault.ERROR_500, Fault.ERROR_503, Fault.RESET_MID_REQUEST,
                    Fault.RESET_MID_RESPONSE, Fault.SLOW_UPLOAD)) {
                assertThat(injected.get(fault)).as("%s injected", fault).isPositive();
            }
        }
        FIGURES.put("rows lost", FaultWorkload.assertRestoreHolds(S3.replicaUrl(bucket, "app"), S3.env(), expected,
                acknowledged));
    }
}
