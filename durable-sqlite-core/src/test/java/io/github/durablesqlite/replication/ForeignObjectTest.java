package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.DatabaseDump;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Objects the replica's writer never wrote. A name that is not {@code <16 hex>-<16 hex>.ltx} directly
 * in a level is foreign and skipped, as Litestream's listing skips it; such objects never disturb a
 * restore or a running replicator, and nothing deletes them. An object with a valid name but foreign
 * content cannot be skipped safely: a restore that needs it fails naming it.
 */
class ForeignObjectTest {
    /** Longer than an LTX header, so a decoder reads its magic rather than running out of bytes. */
    private static final byte[] TEXT = "notes of an operator, kept beside the backups\n".repeat(5)
            .getBytes(StandardCharsets.UTF_8);
    private static final String FF = "00000000000000ff-00000000000000ff.ltx";

    @TempDir
    Path dir;

    /** Foreign objects in and around the level directories; TXID ff would break every restore if it were listed. */
    static List<String> foreignNames(RawReplica raw) {
        List<String> names = new ArrayList<>(List.of(
                raw.ltxName(0, "notes.txt"), raw.ltxName(1, "garbage"), raw.ltxName(9, "README"),
                raw.ltxName(0, "0000000000000001-0000000000000001.LTX"), raw.ltxName(0, "1-2.ltx"),
                raw.ltxName(0, FF + ".bak"), raw.ltxName(0, "." + FF + ".tmp"), raw.ltxName(0, FF.toUpperCase()),
                raw.ltxName(0, "sub/" + FF), raw.ltxName(0, "x" + FF)));
        if (raw.toString().equals("s3")) {
            // Layouts of the other backend, a "directory" marker, a level that does not exist, a sibling prefix.
            names.addAll(List.of("notes.txt", "0/" + FF, "ltx/0/" + FF, "0000/", "000a/" + FF, "/app-other/0000/" + FF,
                    "/app-other/notes.txt"));
        } else {
            // Other backend's layout, a level that does not exist, a directory with an LTX name.
            names.addAll(List.of("notes.txt", "ltx/notes.txt", "0000/" + FF, "ltx/10/" + FF, "ltx/0/" + FF + "/inner"));
        }
        return names;
    }

    static void addForeign(RawReplica raw, List<String> names) {
        Random random = new Random(5);
        for (int i = 0; i < names.size(); i++) {
            byte[] junk = new byte[i * 37];
            random.nextBytes(junk);
            raw.addForeign(names.get(i), i % 2 == 0 ? TEXT : junk);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "s3"})
    void aRestoreSkipsWhatIsSafelyForeign(String backend) throws Exception {
        try (RawReplica raw = CorruptReplicaTest.open(backend, dir);
             ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(raw.url()), raw.env())) {
            CorruptReplicaTest.Source source = CorruptReplicaTest.build(dir, raw);
            List<String> before = raw.names();
            List<String> foreign = foreignNames(raw);
            addForeign(raw, foreign);
            assertThat(raw.names()).hasSizeGreaterThan(before.size());

            Path out = dir.resolve("restored.db");
            Restorer.Result result = new Restorer(client, ReplicationMetrics.NONE).restore(out, null, null, null, null);
            assertThat(result.txid()).isEqualTo(source.latest());
            assertThat(DatabaseDump.integrityCheck(out)).isEqualTo("ok");
            assertThat(DatabaseDump.of(out)).isEqualTo(source.dump());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "s3"})
    void aValidNameWithForeignContentFailsTheRestoreThatNeedsItByName(String backend) throws Exception {
        try (RawReplica raw = CorruptReplicaTest.open(backend, dir);
             ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(raw.url()), raw.env())) {
            CorruptReplicaTest.Source source = CorruptReplicaTest.build(dir, raw);
            Restorer restorer = new Restorer(client, ReplicationMetrics.NONE);
            long next = source.latest() + 1;
            String nextName = String.format("%016x-%016x.ltx", next, next);
            String level0 = raw.names().stream().filter(n -> n.startsWith(raw.ltxName(0, ""))).findFirst().orElseThrow();
            String snapshot = raw.names().stream().filter(n -> n.startsWith(raw.ltxName(9, ""))).findFirst().orElseThrow();

            // Text under the next TXID's name.
            raw.addForeign(raw.ltxName(0, nextName), TEXT);
            assertRestoreFailsNaming(restorer, nextName, "magic");
            raw.delete(raw.ltxName(0, nextName));

            // A real LTX file of this very replica, copied under the next TXID's name.
            raw.addForeign(raw.ltxName(0, nextName), raw.read(level0));
            assertRestoreFailsNaming(restorer, nextName, "but the name says");
            raw.delete(raw.ltxName(0, nextName));

            // A real snapshot copied under a snapshot name that claims more: alone in its plan, it would
            // have been applied as the newer state it is not.
            String claims = String.format("%016x-%016x.ltx", 1, next);
            raw.addForeign(raw.ltxName(9, claims), raw.read(snapshot));
            assertRestoreFailsNaming(restorer, claims, "but the name says");
            raw.delete(raw.ltxName(9, claims));

            Path out = dir.resolve("clean.db");
            restorer.restore(out, null, null, null, null);
            assertThat(DatabaseDump.of(out)).isEqualTo(source.dump());
        }
    }

    private void assertRestoreFailsNaming(Restorer restorer, String name, String problem) throws Exception {
        Path out = Files.createDirectories(dir.resolve("out")).resolve("restored.db");
        assertThatThrownBy(() -> restorer.restore(out, null, null, null, null))
                .hasMessageContaining(name).hasMessageContaining(problem);
        try (var left = Files.list(out.getParent())) {
            assertThat(left).as("files left beside the output").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "s3"})
    void aRunningReplicatorKeepsWorkingAndLeavesForeignObjectsAlone(String backend) throws Exception {
        try (RawReplica raw = CorruptReplicaTest.open(backend, dir);
             ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(raw.url()), raw.env())) {
            Path src = Files.createDirectories(dir.resolve("src"));
            // Every history job runs: level-1 compaction each minute, snapshots each 5 minutes, and
            // retention of 2 minutes deletes old files from the levels the foreign objects sit in.
            HistoryOptions options = new HistoryOptions(List.of(Duration.ofSeconds(60)), Duration.ofMinutes(5),
                    Duration.ofMinutes(2), Duration.ZERO, null);
            List<String> foreign = foreignNames(raw);
            try (HistoryHarness h = new HistoryHarness(src, raw.url(), raw.env(), options)) {
                h.commit();
                addForeign(raw, foreign);
                for (int i = 0; i < 40; i++) {
                    h.commit();
                    h.advance(Duration.ofSeconds(20));
                }
                assertThat(h.replicator.status().lastError()).isNull();
                assertThat(h.replicator.history().lastError()).isNull();
            }
            assertThat(raw.names()).as("foreign objects are never deleted").containsAll(
                    foreign.stream().filter(n -> !n.endsWith("/") && !n.startsWith("/")).toList());

            // A restart joins the replica with the foreign objects present and continues the chain.
            Path db = src.resolve("app.db");
            try (DurableDataSource ds = DurableSqlite.configure().path(db).replicaUrl(raw.url())
                    .environment(raw.env()).compactionIntervals().build();
                 Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO t(v, n) VALUES ('after restart', 1)");
                ds.replicateNow(Duration.ofSeconds(30));
                assertThat(ds.status().lastError()).isNull();
            }
            Path out = dir.resolve("restored.db");
            new Restorer(client, ReplicationMetrics.NONE).restore(out, null, null, null, null);
            assertThat(DatabaseDump.integrityCheck(out)).isEqualTo("ok");
            assertThat(DatabaseDump.of(out)).isEqualTo(DatabaseDump.of(db)).contains("after restart");
        }
    }
}
