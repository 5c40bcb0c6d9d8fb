package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.ReplicationStatus;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.DatabaseDump;
import io.github.durablesqlite.testing.FaultProxy;
import io.github.durablesqlite.testing.FaultProxy.Fault;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store faults in ASYNC mode, through a {@link FaultProxy} in front of a real S3 server: the app
 * keeps writing during each fault (no commit fails), replication catches up afterwards, the status
 * reports an outage while it lasts, and a restore of the replica equals the source database row for
 * row. {@code -Dfaults.outage=2m} gives the long form; the quick form's outage lasts 20 s.
 */
class AsyncStoreFaultTest {
    static final Duration OUTAGE = FaultFigures.length("faults.outage", Duration.ofSeconds(20));
    static final Duration PHASE = FaultFigures.length("faults.phase", Duration.ofSeconds(4));
    private static final S3ProxyServer S3 = S3ProxyServer.shared();
    private static final FaultFigures FIGURES = new FaultFigures("async-store-faults");

    @TempDir
    Path dir;

    @AfterAll
    static void writeFigures() {
        FIGURES.write();
    }

    private static DurableDataSource open(Path db, String url) {
        return DurableSqlite.configure().path(db).replicaUrl(url).environment(S3.env())
                .syncInterval(Duration.ofMillis(100)).closeTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void theAppWritesThroughLatencyErrorsResetsAndSlowUploadsAndNothingIsLost() throws Exception {
        String bucket = S3.newBucket();
        Map<String, Consumer<FaultProxy>> phases = new LinkedHashMap<>();
        phases.put("latency 300ms", p -> p.latency(Duration.ofMillis(300)));
        phases.put("500 to 30%", p -> p.errors(500, 0.3));
        phases.put("503 to 30%", p -> p.errors(503, 0.3));
        phases.put("resets 15% mid-request, 15% mid-response", p -> p.resetsMidRequest(0.15).resetsMidResponse(0.15));
        phases.put("slow uploads 4 kB/s", p -> p.slowUploads(4_000));
        phases.put("all at once", p -> p.latency(Duration.ofMillis(100)).errors(503, 0.2).resetsMidRequest(0.1)
                .resetsMidResponse(0.1).slowUploads(16_000));
        Path db = dir.resolve("app.db");
        String expected;
        List<Long> acknowledged;
        try (FaultProxy proxy = FaultProxy.start(S3);
             DurableDataSource ds = open(db, proxy.replicaUrl(bucket, "app"))) {
            FaultWorkload workload = FaultWorkload.start(ds, 1, 10);
            try (workload) {
                for (Map.Entry<String, Consumer<FaultProxy>> phase : phases.entrySet()) {
                    int before = workload.acknowledgedCount();
                    workload.takeSlowestCommitMillis();
                    phase.getValue().accept(proxy);
                    Thread.sleep(PHASE.toMillis());
                    proxy.passThrough();
                    FIGURES.put("phase " + phase.getKey() + ": rows written",
                            workload.acknowledgedCount() - before);
                    FIGURES.put("phase " + phase.getKey() + ": slowest commit ms", workload.takeSlowestCommitMillis());
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
            FIGURES.put("mixed faults: injected", injected);
            FIGURES.put("mixed faults: rows acknowledged", acknowledged.size());
            for (Fault fault : List.of(Fault.LATENCY, Fault.ERROR_500, Fault.ERROR_503, Fault.RESET_MID_REQUEST,
                    Fault.RESET_MID_RESPONSE, Fault.SLOW_UPLOAD)) {
                assertThat(injected.get(fault)).as("%s injected", fault).isPositive();
            }
        }
        FIGURES.put("mixed faults: rows lost", restoreAndCompare(bucket, expected, acknowledged));
    }

    @Test
    void theAppWritesThroughAnOutageTheStatusReportsItAndReplicationCatchesUp() throws Exception {
        String bucket = S3.newBucket();
        Path db = dir.resolve("app.db");
        String expected;
        List<Long> acknowledged;
        try (FaultProxy proxy = FaultProxy.start(S3);
             DurableDataSource ds = open(db, proxy.replicaUrl(bucket, "app"))) {
            FaultWorkload workload = FaultWorkload.start(ds, 1, 10);
            try (workload) {
                ds.replicateNow(Duration.ofSeconds(30));
                long outageStart = System.nanoTime();
                int before = workload.acknowledgedCount();
                workload.takeSlowestCommitMillis();
                proxy.outage();

                // DOWN, in core's terms: failed uploads counted and an error reported.
                assertThat(FaultFigures.waitFor(OUTAGE, () -> {
                    ReplicationStatus s = ds.status();
                    return s.failedUploads() > 0 && s.lastError() != null;
                })).as("the status reports the outage while it lasts").isTrue();
                FIGURES.put("outage: seconds until the status reported it",
                        String.format("%.1f", (System.nanoTime() - outageStart) / 1e9));
                assertThat(proxy.inOutage()).as("the outage outlasted the wait for its report").isTrue();
                Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - outageStart) / 1_000_000));
                ReplicationStatus during = ds.status();
                assertThat(during.failedUploads()).isPositive();
                assertThat(during.pendingTxids()).isPositive();
                long localAtEnd = during.localTxid();
                proxy.passThrough();
                long outageEnd = System.nanoTime();
                FIGURES.put("outage: length", OUTAGE);
                FIGURES.put("outage: rows written during it", workload.acknowledgedCount() - before);
                FIGURES.put("outage: slowest commit ms", workload.takeSlowestCommitMillis());
                FIGURES.put("outage: TXIDs pending at its end", during.pendingTxids());

                // The app keeps writing; the backlog of the outage must reach the replica.
                assertThat(FaultFigures.waitFor(Duration.ofMinutes(2), () -> ds.status().remoteTxid() >= localAtEnd))
                        .as("replication catches up after the outage").isTrue();
                FIGURES.put("outage: seconds to catch up after it ended",
                        String.format("%.1f", (System.nanoTime() - outageEnd) / 1e9));
                assertThat(FaultFigures.waitFor(Duration.ofSeconds(30), () -> {
                    ReplicationStatus s = ds.status();
                    return s.failedUploads() == 0 && s.lastError() == null;
                })).as("the status is clear again").isTrue();
                FIGURES.put("outage: injected", proxy.injected());
            }
            assertThat(workload.failures()).isEmpty();
            ds.replicateNow(Duration.ofSeconds(60));
            ReplicationStatus caughtUp = ds.status();
            assertThat(caughtUp.remoteTxid()).isEqualTo(caughtUp.localTxid());
            acknowledged = workload.acknowledged();
            try (Connection c = ds.getConnection()) {
                expected = DatabaseDump.of(c);
            }
            FIGURES.put("outage: rows acknowledged in the test", acknowledged.size());
        }
        FIGURES.put("outage: rows lost", restoreAndCompare(bucket, expected, acknowledged));
    }

    /**
     * Restores the replica, straight from the store, into a new file and compares it with the source:
     * the same dump, integrity ok, every acknowledged row present. Returns the rows lost (0).
     */
    static long restoreAndCompare(String bucket, String expected, List<Long> acknowledged) throws Exception {
        Path restored = Files.createTempDirectory("fault-restore").resolve("restored.db");
        try (ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(S3.replicaUrl(bucket, "app")), S3.env())) {
            new Restorer(client, ReplicationMetrics.NONE).restore(restored, null, null, null, null);
        }
        assertThat(DatabaseDump.integrityCheck(restored)).isEqualTo("ok");
        Set<Long> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM rows")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        long lost = acknowledged.stream().filter(id -> !ids.contains(id)).count();
        assertThat(ids).containsAll(acknowledged);
        assertThat(DatabaseDump.of(restored)).isEqualTo(expected);
        return lost;
    }
}
