package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.FastDisk;
import io.github.durablesqlite.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The process dies between an upload and the local step that follows it. Each test rebuilds the
 * exact files a crash at that point leaves behind (a kill cannot be timed to land there), then
 * starts a new replicator over them.
 */
class CrashRecoveryTest {
    Path dir;
    Path db;
    String url;
    MutableClock clock = new MutableClock(HistoryHarness.START);
    Connection app;

    @BeforeEach
    void setUp() throws Exception {
        dir = FastDisk.createTempDirectory("crash");
        db = dir.resolve("app.db");
        url = dir.resolve("replica").toUri().toString();
        app = DriverManager.getConnection("jdbc:sqlite:" + db);
        execute("PRAGMA journal_mode=WAL");
        execute("PRAGMA wal_autocheckpoint=0");
        execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
    }

    @AfterEach
    void tearDown() throws Exception {
        app.close();
        FastDisk.delete(dir);
    }

    private void execute(String sql) throws Exception {
        try (Statement s = app.createStatement()) {
            s.execute(sql);
        }
    }

    private ReplicationOptions options() {
        return ReplicationOptions.defaults("crash-test").withSyncInterval(Duration.ofSeconds(30)).withClock(clock)
                .withHistory(HistoryOptions.defaults()).withCloseTimeout(Duration.ofMillis(300));
    }

    private GatedClient client() throws Exception {
        return new GatedClient(ReplicaClients.open(ReplicaUrl.parse(url), Map.of()));
    }

    private Path stateDir() {
        return ReplicationOptions.defaultStateDir(db);
    }

    private static List<Path> ltxFiles(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".ltx")).sorted().toList();
        }
    }

    @Test
    void aFileUploadedJustBeforeACrashIsNotSentAgainAndNothingStagedAfterItIsLost() throws Exception {
        GatedClient first = client();
        Replicator r1 = new Replicator(db, first, options().withClock(clock));
        r1.start();
        execute("INSERT INTO t(v) VALUES ('a')");
        long a = r1.syncNow();
        assertThat(r1.awaitUploaded(a, Duration.ofSeconds(10))).isTrue();
        first.refuseWrites = true;
        execute("INSERT INTO t(v) VALUES ('b')");
        long b = r1.syncNow();
        r1.close();
        first.close();

        // The crash: A's upload had returned but A had not left staging yet (the staged file is
        // byte for byte what was uploaded); B never went out.
        Path uploadedA = dir.resolve("replica").resolve("ltx").resolve("0").resolve(Staging.fileName(a, a));
        Files.copy(uploadedA, stateDir().resolve("staging").resolve(Staging.fileName(a, a)),
                StandardCopyOption.REPLACE_EXISTING);
        byte[] stagedB = Files.readAllBytes(stateDir().resolve("staging").resolve(Staging.fileName(b, b)));

        GatedClient second = client();
        Replicator r2 = new Replicator(db, second, options());
        r2.start();
        execute("INSERT INTO t(v) VALUES ('c')");
        long c = r2.syncNow();
        assertThat(r2.awaitUploaded(c, Duration.ofSeconds(10))).isTrue();
        r2.close();

        assertThat(second.writes(0, a, a)).as("A is not uploaded again").isZero();
        assertThat(second.writes(0, b, b)).as("B, staged before the crash, is uploaded").isEqualTo(1);
        assertThat(c).as("the chain goes on after B").isEqualTo(b + 1);
        try (var replica = client()) {
            byte[] remoteB = replica.openFile(0, b, b).readAllBytes();
            assertThat(remoteB).isEqualTo(stagedB);
            LtxFileInfo cFile = replica.listFiles(0, false).stream().filter(f -> f.maxTxid() == c).findFirst()
                    .orElseThrow();
            assertThat(cFile.size()).as("C is an increment, not a full copy").isLessThan(2 * 4096);
            Restorer.Result restored = new Restorer(replica, ReplicationMetrics.NONE)
                    .restore(dir.resolve("restored.db"), null, null, null, null);
            assertThat(restored.txid()).isEqualTo(c);
        }
        assertThat(io.github.durablesqlite.testing.DatabaseDump.of(dir.resolve("restored.db")))
                .isEqualTo(io.github.durablesqlite.testing.DatabaseDump.of(app));
        assertThat(ltxFiles(stateDir().resolve("staging"))).isEmpty();
    }

    @Test
    void levelZeroCopiesLeftByACrashAfterALevelOneUploadAreDroppedAtStart() throws Exception {
        GatedClient first = client();
        Replicator r1 = new Replicator(db, first, options());
        r1.start();
        r1.history().runDue(); // what is due at start has run: from here on only the clock makes work
        for (int i = 0; i < 5; i++) {
            execute("INSERT INTO t(v) VALUES ('row " + i + "')");
            assertThat(r1.awaitUploaded(r1.syncNow(), Duration.ofSeconds(10))).isTrue();
        }
        Path cache = stateDir().resolve("uploaded");
        List<Path> cached = ltxFiles(cache);
        assertThat(cached).hasSizeGreaterThanOrEqualTo(5);
        Path saved = Files.createDirectories(dir.resolve("saved"));
        for (Path file : cached) {
            Files.copy(file, saved.resolve(file.getFileName()));
        }
        clock.advance(Duration.ofSeconds(30));
        r1.history().runDue();
        assertThat(ltxFiles(cache)).as("level 1 covers them now").isEmpty();
        r1.close();
        first.close();

        // The crash: level 1 had been uploaded, the local copies were not deleted yet.
        for (Path file : ltxFiles(saved)) {
            Files.copy(file, cache.resolve(file.getFileName()));
        }
        GatedClient second = client();
        Replicator r2 = new Replicator(db, second, options());
        r2.start();
        assertThat(ltxFiles(cache)).isEmpty();
        clock.advance(Duration.ofSeconds(30));
        r2.history().runDue();
        assertThat(second.writesAt(1)).as("nothing new to compact").isZero();
        r2.close();
        second.close();
    }
}
