package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.Durability;
import io.github.durablesqlite.NotReplicatedException;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.ReplicationException;
import io.github.durablesqlite.ltx.LtxDecoder;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.testing.DatabaseDump;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state directory (staged files, uploaded copies, compaction work) on a 256 KiB tmpfs that is
 * then filled: the application keeps committing to its database, the status names the directory
 * and the lack of space, nothing half-written is staged or uploaded, and once space returns the
 * replica catches up to a restore equal to the source. Needs permission to mount (root with
 * CAP_SYS_ADMIN, as on the CI machines); skipped otherwise.
 */
class DiskFullTest {
    @TempDir
    Path dir;
    Path state;
    boolean mounted;

    @BeforeEach
    void mountTinyFileSystem() throws Exception {
        state = Files.createDirectories(dir.resolve("state"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", state.toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes());
        boolean exited = mount.waitFor(30, TimeUnit.SECONDS);
        Assumptions.assumeTrue(exited && mount.exitValue() == 0, "cannot mount a tmpfs here: " + output.strip());
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            Process umount = new ProcessBuilder("umount", state.toString()).redirectErrorStream(true).start();
            String output = new String(umount.getInputStream().readAllBytes());
            assertThat(umount.waitFor(30, TimeUnit.SECONDS) && umount.exitValue() == 0).as(output).isTrue();
        }
    }

    @Test
    void aFullStagingDirectoryNeverStopsCommitsAndReplicationCatchesUpWhenSpaceReturns() throws Exception {
        Path db = dir.resolve("app.db");
        Path replica = dir.resolve("replica");
        Path staging = state.resolve("staging");
        Path filler = state.resolve("filler");
        Random random = new Random(3);
        try (DurableDataSource ds = DurableSqlite.configure().path(db).replicaUrl(replica.toUri().toString())
                .environment(java.util.Map.of()).stateDir(state).build();
             Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
            insert(c, random, 5);
            ds.replicateNow(Duration.ofSeconds(30));

            fill(filler);
            // Each commit's pages are larger than what is left: every staging attempt runs out of space.
            // The backlog (one file once space returns) must fit in the 256 KiB: about 40 pages.
            insert(c, random, 40);
            awaitError(ds, "staging directory");
            String error = ds.status().lastError();
            assertThat(error).contains(staging.toString()).containsIgnoringCase("no space");
            assertThat(ds.status().pendingTxids()).isZero(); // nothing staged, so nothing claimed
            assertThatThrownBy(() -> ds.replicateNow(Duration.ofSeconds(5))).isInstanceOf(ReplicationException.class)
                    .hasMessageContaining(staging.toString()).hasMessageContaining("No space");
            assertCompleteFilesOnly(staging);
            assertThat(ReplicaChecker.checkAll(ReplicaClients.open(replica.toUri().toString())).problems())
                    .as("the replica holds only complete files").isEmpty();
            assertThat(DatabaseDump.integrityCheck(db)).isEqualTo("ok");

            Files.delete(filler);
            insert(c, random, 3);
            long txid = ds.replicateNow(Duration.ofSeconds(30));
            assertThat(ds.status().lastError()).isNull();
            assertThat(ds.status().remoteTxid()).isEqualTo(txid);
            assertCompleteFilesOnly(staging);

            Path restored = dir.resolve("restored.db");
            try (ReplicaClient client = ReplicaClients.open(replica.toUri().toString())) {
                new Restorer(client, ReplicationMetrics.NONE).restore(restored, null, null, null, null);
            }
            assertThat(DatabaseDump.integrityCheck(restored)).isEqualTo("ok");
            assertThat(DatabaseDump.of(restored)).isEqualTo(DatabaseDump.of(c));
            assertThat(count(c)).isEqualTo(48);
        }
    }

    @Test
    void inSyncModeACommitOnAFullStagingDirectoryIsLocalAndSaysWhyItWasNotAcknowledged() throws Exception {
        Path db = dir.resolve("app.db");
        Path replica = dir.resolve("replica");
        Path staging = state.resolve("staging");
        Path filler = state.resolve("filler");
        Random random = new Random(4);
        try (DurableDataSource ds = DurableSqlite.configure().path(db).replicaUrl(replica.toUri().toString())
                .environment(java.util.Map.of()).stateDir(state).durability(Durability.SYNC)
                .commitTimeout(Duration.ofSeconds(2)).build();
             Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
            insert(c, random, 3);

            fill(filler);
            NotReplicatedException refused = catchThrowableOfType(NotReplicatedException.class,
                    () -> insert(c, random, 1));
            assertThat((Throwable) refused).as("a commit that could not be staged is not acknowledged").isNotNull();
            assertThat(refused.committedLocally()).isTrue();
            assertThat(refused.getMessage()).contains(staging.toString()).containsIgnoringCase("no space");
            assertThat(count(c)).as("the commit is in the local database").isEqualTo(4);
            assertCompleteFilesOnly(staging);

            Files.delete(filler);
            insert(c, random, 1); // acknowledged only once the replica holds it, and the backlog with it
            assertThat(ds.status().remoteTxid()).isEqualTo(ds.status().localTxid());
            Path restored = dir.resolve("restored.db");
            try (ReplicaClient client = ReplicaClients.open(replica.toUri().toString())) {
                new Restorer(client, ReplicationMetrics.NONE).restore(restored, null, null, null, null);
            }
            assertThat(DatabaseDump.of(restored)).isEqualTo(DatabaseDump.of(c));
        }
    }

    private static int count(Connection c) throws Exception {
        try (Statement count = c.createStatement(); var rs = count.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void insert(Connection c, Random random, int rows) throws Exception {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO t(v) VALUES (?)")) {
            for (int i = 0; i < rows; i++) {
                byte[] blob = new byte[3_000]; // incompressible, a page per row: larger than the space left
                random.nextBytes(blob);
                insert.setBytes(1, blob);
                insert.executeUpdate(); // autocommit: one transaction each, none may fail
            }
        }
    }

    /** Writes until the file system is full, leaving a few KiB at most. */
    private static void fill(Path filler) throws IOException {
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] chunk = new byte[4096];
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).containsIgnoringCase("no space");
        }
    }

    private static void awaitError(DurableDataSource ds, String text) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            String error = ds.status().lastError();
            if (error != null && error.contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("replication never reported a full staging directory: " + ds.status());
    }

    /** No temporary file, and every staged file decodes to its last checksum. */
    private static void assertCompleteFilesOnly(Path staging) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(staging)) {
            files = list.toList();
        }
        assertThat(files).noneMatch(p -> p.getFileName().toString().endsWith(".tmp"));
        for (Path file : files) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
                 LtxDecoder decoder = new LtxDecoder(in, file.toString())) {
                decoder.finish();
            }
        }
    }
}
