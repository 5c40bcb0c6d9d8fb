package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.DurableSqliteException;
import io.github.durablesqlite.RestoreException;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.DatabaseDump;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore never writes over a database that exists, whether it was there before or appeared meanwhile. */
class ExistingDatabaseTest {
    private static final byte[] PRECIOUS = "a database the restore must not touch".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void aRestoreRefusesAnOutputThatExistsAndOneThatAppearsDuringTheRestore() throws Exception {
        try (RawReplica raw = RawReplica.directory(dir.resolve("replica"));
             ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(raw.url()), raw.env())) {
            CorruptReplicaTest.build(dir, raw);
            Restorer restorer = new Restorer(client, ReplicationMetrics.NONE);

            Path existing = dir.resolve("existing.db");
            Files.write(existing, PRECIOUS);
            assertThatThrownBy(() -> restorer.restore(existing, null, null, null, null))
                    .isInstanceOf(RestoreException.class).hasMessageContaining(existing.toString())
                    .hasMessageContaining("already exists");
            assertThat(Files.readAllBytes(existing)).isEqualTo(PRECIOUS);

            // Another process creates the database while the restore downloads (checked once, at the start,
            // the output did not exist): the verified file must not replace it.
            Path racing = Files.createDirectories(dir.resolve("race")).resolve("app.db");
            AtomicBoolean created = new AtomicBoolean();
            assertThatThrownBy(() -> restorer.restore(racing, null, null, null, bytes -> {
                if (created.compareAndSet(false, true)) {
                    try {
                        Files.write(racing, PRECIOUS);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            })).isInstanceOf(RestoreException.class).hasMessageContaining(racing.toString())
                    .hasMessageContaining("appeared during the restore");
            assertThat(Files.readAllBytes(racing)).isEqualTo(PRECIOUS);
            try (Stream<Path> left = Files.list(racing.getParent())) {
                assertThat(left).containsExactly(racing);
            }
        }
    }

    @Test
    void aDataSourceWithALocalDatabaseNeverRestoresOverItEvenFromADamagedReplica() throws Exception {
        try (RawReplica raw = RawReplica.directory(dir.resolve("replica"))) {
            CorruptReplicaTest.Source source = CorruptReplicaTest.build(dir, raw);
            Path db = dir.resolve("src").resolve("app.db");
            String before = DatabaseDump.of(db);
            Object inode = Files.readAttributes(db, BasicFileAttributes.class).fileKey();
            // The newest file's header damaged (the replicator reads it to continue the chain), and junk around it.
            List<String> files = CorruptReplicaTest.ltxNames(raw);
            String newest = files.stream().filter(n -> n.startsWith("ltx/0/"))
                    .max(String::compareTo).orElseThrow();
            byte[] bytes = raw.read(newest);
            bytes[1] ^= 0x01;
            raw.write(newest, bytes);
            raw.addForeign("ltx/0/notes.txt", PRECIOUS);

            try (DurableDataSource ds = DurableSqlite.configure().path(db).replicaUrl(raw.url())
                    .environment(raw.env()).compactionIntervals().build();
                 Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                assertThat(DatabaseDump.of(c)).isEqualTo(before);
                s.execute("INSERT INTO t(v, n) VALUES ('written while the replica is damaged', 1)");
                assertThat(ds.status().lastError()).as("status names the damaged object")
                        .contains(newest.substring(newest.lastIndexOf('/') + 1)).contains("magic");
            }
            assertThat(Files.readAttributes(db, BasicFileAttributes.class).fileKey()).isEqualTo(inode);
            assertThat(DatabaseDump.of(db)).startsWith(before.substring(0, before.indexOf("-- t")))
                    .contains("written while the replica is damaged");
            assertThat(DatabaseDump.integrityCheck(db)).isEqualTo("ok");
            assertThat(source.latest()).isPositive();
        }
    }

    @Test
    void aDataSourceWithoutALocalDatabaseFailsByNameAndCreatesNothing() throws Exception {
        try (RawReplica raw = RawReplica.directory(dir.resolve("replica"))) {
            CorruptReplicaTest.build(dir, raw);
            String newest = CorruptReplicaTest.ltxNames(raw).stream().filter(n -> n.startsWith("ltx/0/"))
                    .max(String::compareTo).orElseThrow();
            byte[] bytes = raw.read(newest);
            bytes[bytes.length / 2] ^= 0x04;
            raw.write(newest, bytes);

            Path db = Files.createDirectories(dir.resolve("new")).resolve("app.db");
            try (DurableDataSource ds = DurableSqlite.configure().path(db).replicaUrl(raw.url())
                    .environment(raw.env()).compactionIntervals().build()) {
                assertThatThrownBy(ds::getConnection).isInstanceOf(DurableSqliteException.class)
                        .hasMessageContaining(newest.substring(newest.lastIndexOf('/') + 1));
            }
            try (Stream<Path> left = Files.list(db.getParent())) {
                assertThat(left).as("no database, no partial file").noneMatch(p -> p.getFileName().toString()
                        .contains("app.db") && !Files.isDirectory(p));
            }
        }
    }
}
