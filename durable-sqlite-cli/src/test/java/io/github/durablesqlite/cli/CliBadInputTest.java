package io.github.durablesqlite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input: one clear line on stderr, a non-zero exit, and no output file left behind. */
class CliBadInputTest {
    private static final S3ProxyServer S3 = S3ProxyServer.shared();

    @TempDir
    Path dir;
    Path out;

    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    @BeforeEach
    void setUp() {
        out = dir.resolve("out").resolve("restored.db");
    }

    static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
        return new Run(exit, out.toString(), err.toString());
    }

    private void assertFailsCleanly(Run run, String... mentions) throws IOException {
        assertThat(run.exit()).as("exit code; stderr: %s", run.err()).isNotZero();
        assertThat(run.errLines()).as("stderr").hasSize(1);
        assertThat(run.err()).startsWith("durable-sqlite: ");
        for (String mention : mentions) {
            assertThat(run.err()).contains(mention);
        }
        assertThat(out).doesNotExist();
        if (Files.exists(out.getParent())) {
            try (Stream<Path> left = Files.list(out.getParent())) {
                assertThat(left).as("files left beside the output").isEmpty();
            }
        }
    }

    /**
     * A file replica with a few TXIDs, one level-0 file each; returns its directory. Without
     * compaction levels, so that a restore reads every level-0 file (a damaged one included).
     */
    private Path fileReplica() throws Exception {
        Path replica = dir.resolve("replica");
        Path db = dir.resolve("src").resolve("app.db");
        Files.createDirectories(db.getParent());
        try (DurableDataSource ds = DurableSqlite.configure().path(db).replicaUrl(replica.toUri().toString())
                .environment(Map.of()).compactionIntervals().build();
             Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            for (int i = 0; i < 3; i++) {
                s.execute("INSERT INTO t(v) VALUES ('row " + i + "')");
                ds.replicateNow(Duration.ofSeconds(10));
            }
        }
        // A start-up snapshot (level 9) may have been taken while the rows were written; without it
        // every restore must read the whole level-0 chain, so each damaged file below is one it needs.
        try (Stream<Path> levels = Files.list(replica.resolve("ltx"))) {
            for (Path level : levels.filter(l -> !l.getFileName().toString().equals("0")).toList()) {
                try (Stream<Path> walk = Files.walk(level)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        return replica;
    }

    private static List<Path> levelZero(Path replica) throws IOException {
        try (Stream<Path> files = Files.list(replica.resolve("ltx").resolve("0"))) {
            return files.filter(p -> p.toString().endsWith(".ltx")).sorted().toList();
        }
    }

    @Test
    void malformedUrl() throws Exception {
        assertFailsCleanly(run(Map.of(), "restore", "-o", out.toString(), "s3://"), "s3://");
    }

    @Test
    void unknownScheme() throws Exception {
        assertFailsCleanly(run(Map.of(), "restore", "-o", out.toString(), "gopher://bucket/x"), "gopher");
    }

    @Test
    void missingBucket() throws Exception {
        assertFailsCleanly(run(S3.env(), "restore", "-o", out.toString(),
                S3.replicaUrl("no-such-bucket", "app")), "no-such-bucket");
    }

    @Test
    void wrongCredentials() throws Exception {
        Map<String, String> env = new HashMap<>(S3.env());
        env.put("LITESTREAM_SECRET_ACCESS_KEY", "wrong-secret-value");
        Run run = run(env, "restore", "-o", out.toString(), S3.replicaUrl(S3.newBucket(), "app"));
        assertFailsCleanly(run);
        assertThat(run.err()).doesNotContain("wrong-secret-value").containsIgnoringCase("credentials");
    }

    @Test
    void noReplicaAtThePath() throws Exception {
        assertFailsCleanly(run(Map.of(), "restore", "-o", out.toString(), dir.resolve("empty").toUri().toString()),
                "no replica");
    }

    @Test
    void corruptedObject() throws Exception {
        Path replica = fileReplica();
        Path victim = levelZero(replica).get(1);
        byte[] bytes = Files.readAllBytes(victim);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(victim, bytes);
        assertFailsCleanly(run(Map.of(), "restore", "-o", out.toString(), replica.toUri().toString()),
                victim.getFileName().toString());
    }

    @Test
    void truncatedObject() throws Exception {
        Path replica = fileReplica();
        List<Path> files = levelZero(replica);
        Path victim = files.get(files.size() - 1); // the newest: every restore of the latest state reads it
        byte[] bytes = Files.readAllBytes(victim);
        Files.write(victim, java.util.Arrays.copyOf(bytes, bytes.length - 20));
        assertFailsCleanly(run(Map.of(), "restore", "-o", out.toString(), replica.toUri().toString()),
                victim.getFileName().toString());
    }

    @Test
    void gapInTheTxidChain() throws Exception {
        Path replica = fileReplica();
        List<Path> files = levelZero(replica);
        Files.delete(files.get(files.size() - 2));
        assertFailsCleanly(run(Map.of(), "restore", "-o", out.toString(), replica.toUri().toString()), "gap");
    }

    @Test
    void existingOutputFile() throws Exception {
        Path replica = fileReplica();
        Files.createDirectories(out.getParent());
        Files.writeString(out, "precious");
        Run run = run(Map.of(), "restore", "-o", out.toString(), replica.toUri().toString());
        assertThat(run.exit()).isNotZero();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("already exists");
        assertThat(Files.readString(out)).isEqualTo("precious");
    }

    @Test
    void badTxidAndTimestampAndLevel() throws Exception {
        assertFailsCleanly(run(Map.of(), "restore", "-o", out.toString(), "--txid", "xyz", "file:///tmp/r"), "xyz");
        assertFailsCleanly(run(Map.of(), "restore", "-o", out.toString(), "--timestamp", "yesterday", "file:///tmp/r"),
                "yesterday");
        Run ltx = run(Map.of(), "ltx", "--level", "12", "file:///tmp/r");
        assertThat(ltx.exit()).isNotZero();
        assertThat(ltx.err()).contains("12");
    }

    @Test
    void ifFlagsSkipWithoutError() throws Exception {
        Run noReplica = run(Map.of(), "restore", "--if-replica-exists", "-o", out.toString(),
                dir.resolve("empty").toUri().toString());
        assertThat(noReplica.exit()).isZero();
        assertThat(out).doesNotExist();

        Path replica = fileReplica();
        Files.createDirectories(out.getParent());
        Files.writeString(out, "precious");
        Run exists = run(Map.of(), "restore", "--if-db-not-exists", "-o", out.toString(), replica.toUri().toString());
        assertThat(exists.exit()).isZero();
        assertThat(Files.readString(out)).isEqualTo("precious");
    }

    @Test
    void restoreAndListAGoodReplica() throws Exception {
        Path replica = fileReplica();
        Run restore = run(Map.of(), "restore", "-o", out.toString(), replica.toUri().toString());
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(out).exists();

        Run ltx = run(Map.of(), "ltx", "--json", replica.toUri().toString());
        assertThat(ltx.exit()).isZero();
        assertThat(ltx.out()).contains("\"level\": 0", "\"minTxid\": \"0000000000000001\"", "\"createdAt\"");
    }
}
