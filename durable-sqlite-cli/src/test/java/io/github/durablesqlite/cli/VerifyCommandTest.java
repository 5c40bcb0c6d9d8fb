package io.github.durablesqlite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify} and {@code ltx --level all} on a compacted replica, good and damaged. */
class VerifyCommandTest {
    @TempDir
    Path dir;

    /** A replica with a snapshot, compacted levels and level-0 files; returns its URL. */
    private String compactedReplica() throws Exception {
        Path replica = dir.resolve("replica");
        MutableClock clock = new MutableClock(Instant.parse("2026-03-02T00:00:00Z"));
        try (DurableDataSource ds = DurableSqlite.configure().path(dir.resolve("src").resolve("app.db"))
                .replicaUrl(replica.toUri().toString()).environment(Map.of()).clock(clock)
                .compactionIntervals(Duration.ofSeconds(10), Duration.ofSeconds(60)).build();
             Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            for (int i = 0; i < 30; i++) {
                s.execute("INSERT INTO t(v) VALUES ('row " + i + "')");
                ds.replicateNow(Duration.ofSeconds(10));
                clock.advance(Duration.ofSeconds(3));
            }
            awaitFiles(replica.resolve("ltx").resolve("2"));
        }
        return replica.toUri().toString();
    }

    /** The engine's history thread compacts on its own (it looks at the clock once a second). */
    private static void awaitFiles(Path levelDir) throws InterruptedException {
        for (int i = 0; i < 100 && !Files.isDirectory(levelDir); i++) {
            Thread.sleep(100);
        }
        assertThat(levelDir).isDirectory();
    }

    private static List<Path> files(Path replica, int level) throws Exception {
        try (Stream<Path> files = Files.list(replica.resolve("ltx").resolve(Integer.toString(level)))) {
            return files.filter(p -> p.toString().endsWith(".ltx")).sorted().toList();
        }
    }

    @Test
    void aGoodReplicaVerifiesAsTextAndJson() throws Exception {
        String url = compactedReplica();
        CliBadInputTest.Run text = CliBadInputTest.run(Map.of(), "verify", url);
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).startsWith("ok: ").contains("at TXID 00000000000000", "bytes, integrity ok",
                "files checked", " ms");

        CliBadInputTest.Run json = CliBadInputTest.run(Map.of(), "verify", "--json", "--txid", "5", url);
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"ok\": true", "\"txid\": \"0000000000000005\"", "\"timestamp\": \"",
                "\"size\": ", "\"files\": ", "\"durationMs\": ", "\"problems\": []");

        CliBadInputTest.Run ltx = CliBadInputTest.run(Map.of(), "ltx", "--level", "all", "--json", url);
        assertThat(ltx.exit()).isZero();
        assertThat(ltx.out()).contains("\"level\": 0", "\"level\": 1", "\"level\": 2", "\"minTxid\": \"",
                "\"maxTxid\": \"", "\"size\": ", "\"createdAt\": \"2026-03-02T");
    }

    @Test
    void aDamagedFileAnywhereFailsVerificationByName() throws Exception {
        String url = compactedReplica();
        Path replica = Path.of(java.net.URI.create(url));
        // A level-0 file the newest state does not need (level 1 covers it): a restore would not notice.
        Path victim = files(replica, 0).get(0);
        byte[] bytes = Files.readAllBytes(victim);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(victim, bytes);

        CliBadInputTest.Run run = CliBadInputTest.run(Map.of(), "verify", url);
        assertThat(run.exit()).isNotZero();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("durable-sqlite: verify failed").contains(victim.getFileName().toString());

        CliBadInputTest.Run json = CliBadInputTest.run(Map.of(), "verify", "--json", url);
        assertThat(json.exit()).isNotZero();
        assertThat(json.out()).contains("\"ok\": false", victim.getFileName().toString());
    }

    @Test
    void aTruncatedNewestFileFailsTheRestoreByName() throws Exception {
        String url = compactedReplica();
        Path replica = Path.of(java.net.URI.create(url));
        List<Path> level0 = files(replica, 0);
        Path victim = level0.get(level0.size() - 1);
        byte[] bytes = Files.readAllBytes(victim);
        Files.write(victim, java.util.Arrays.copyOf(bytes, bytes.length - 7));
        CliBadInputTest.Run run = CliBadInputTest.run(Map.of(), "verify", url);
        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains(victim.getFileName().toString());
    }
}
