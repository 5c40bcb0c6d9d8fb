package io.github.durablesqlite.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a stop position again from the WAL fields an LTX file records. */
class WalPositionAtTest {
    @TempDir
    Path dir;

    @Test
    void findsCommitBoundariesOfTheCurrentGenerationOnly() throws Exception {
        Path db = dir.resolve("p.db");
        Sqlite.create(db, 4096, "CREATE TABLE t(v BLOB)");
        try (Connection c = Sqlite.open(db);
             WalReader wal = new WalReader(Sqlite.walOf(db))) {
            Sqlite.exec(c, "INSERT INTO t VALUES (randomblob(10000))");
            WalScan first = wal.scan(null);
            Sqlite.exec(c, "INSERT INTO t VALUES (randomblob(10000))");
            WalScan all = wal.scan(null);
            WalHeader h = all.header();

            assertThat(wal.positionAt(h.salt1(), h.salt2(), first.end().offset())).isEqualTo(first.end());
            assertThat(wal.positionAt(h.salt1(), h.salt2(), all.end().offset())).isEqualTo(all.end());
            assertThat(wal.positionAt(h.salt1(), h.salt2(), WalHeader.SIZE)).isEqualTo(WalPosition.start(h));
            // Inside a transaction, past the end, off a frame boundary, under other salts: nothing.
            assertThat(wal.positionAt(h.salt1(), h.salt2(), first.end().offset() + h.frameSize())).isNull();
            assertThat(wal.positionAt(h.salt1(), h.salt2(), all.end().offset() + h.frameSize())).isNull();
            assertThat(wal.positionAt(h.salt1(), h.salt2(), first.end().offset() + 1)).isNull();
            assertThat(wal.positionAt(h.salt1() + 1, h.salt2(), first.end().offset())).isNull();
            // Resuming from the found position reads exactly what came after it.
            WalScan tail = wal.scan(wal.positionAt(h.salt1(), h.salt2(), first.end().offset()));
            assertThat(tail.end()).isEqualTo(all.end());
            assertThat(tail.transactions()).isEqualTo(1);
        }
    }
}
