package io.github.durablesqlite.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WAL restarts: new frames overwrite the file from the start, and stale frames may follow them. */
class WalRestartTest {
    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    @Test
    void afterACheckpointRestartStaleFramesWithOldSaltsEndTheLog() throws Exception {
        Path db = dir.resolve("r.db");
        Sqlite.create(db, PAGE, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
        try (Connection c = Sqlite.open(db); WalReader reader = new WalReader(Sqlite.walOf(db))) {
            for (int i = 0; i < 20; i++) {
                Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(1500))");
            }
            WalScan old = reader.scan(null);
            Sqlite.exec(c, "PRAGMA wal_checkpoint(RESTART)");
            // The restart takes effect at the next write: until then the old generation is still the WAL.
            assertThat(reader.scan(old.end()).restarted()).isFalse();
            Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(10))");

            WalScan resumed = reader.scan(old.end());
            WalScan full = reader.scan(null);
            byte[] wal = Sqlite.readWal(db);

            WalHeader header = resumed.header();
            assertThat(wal.length).as("SQLite does not shrink the WAL on restart").isEqualTo(old.end().offset());
            assertThat(header.salt1()).isEqualTo(old.header().salt1() + 1);
            assertThat(header.salt2()).isNotEqualTo(old.header().salt2());
            assertThat(header.checkpointSequence()).isEqualTo(old.header().checkpointSequence() + 1);

            assertThat(resumed.restarted()).isTrue();
            assertThat(resumed.start()).isEqualTo(WalPosition.start(header));
            assertThat(resumed.transactions()).isEqualTo(1);
            assertThat(resumed.end().offset()).isLessThan(wal.length);
            assertThat(resumed.commitSize()).isEqualTo(Sqlite.queryLong(c, "PRAGMA page_count"));
            WalFrameHeader stale = WalFrameHeader.parse(wal, (int) resumed.end().offset());
            assertThat(stale.salt1()).isEqualTo(old.header().salt1());
            assertThat(stale.salt2()).isEqualTo(old.header().salt2());

            assertThat(full.restarted()).isFalse();
            assertThat(full.end()).isEqualTo(resumed.end());
            assertThat(full.pages()).isEqualTo(resumed.pages());
            assertThat(reader.scan(resumed.end()).isEmpty()).isTrue();
        }
    }

    @Test
    void readingAPageThatARestartOverwroteFails() throws Exception {
        Path db = dir.resolve("o.db");
        Sqlite.create(db, PAGE, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
        try (Connection c = Sqlite.open(db); WalReader reader = new WalReader(Sqlite.walOf(db))) {
            for (int i = 0; i < 10; i++) {
                Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(1500))");
            }
            WalScan old = reader.scan(null);
            long lastFrameData = old.end().offset() - PAGE;
            Sqlite.exec(c, "PRAGMA wal_checkpoint(RESTART)", "INSERT INTO t(v) VALUES (randomblob(10))");
            byte[] page = new byte[PAGE];

            reader.readPage(lastFrameData, page); // not overwritten yet: still the scanned generation
            assertThatThrownBy(() -> reader.readPage(32 + 24, page))
                    .isInstanceOf(WalFormatException.class)
                    .hasMessageContaining("frame at offset 32 of " + Sqlite.walOf(db))
                    .hasMessageContaining("SQLite restarted the WAL");
        }
    }

    @Test
    void afterACheckpointTruncateThereIsNoWalUntilTheNextWrite() throws Exception {
        Path db = dir.resolve("t.db");
        Sqlite.create(db, PAGE, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
        try (Connection c = Sqlite.open(db); WalReader reader = new WalReader(Sqlite.walOf(db))) {
            for (int i = 0; i < 5; i++) {
                Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(1500))");
            }
            WalScan old = reader.scan(null);
            Sqlite.exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");

            assertThat(reader.size()).isZero();
            assertThat(reader.readHeader()).isEmpty();
            assertThat(reader.scan(old.end())).isNull();

            Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(10))");
            WalScan resumed = reader.scan(old.end());

            assertThat(resumed.restarted()).isTrue();
            assertThat(resumed.transactions()).isEqualTo(1);
            assertThat(resumed.end().offset()).isEqualTo(reader.size());
        }
    }

    @Test
    void aNewerShortWalSplicedOverAnOlderLongOneEndsAtTheNewerFrames() throws Exception {
        Path db = dir.resolve("s.db");
        Sqlite.create(db, PAGE, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
        byte[] older;
        byte[] newer;
        try (Connection c = Sqlite.open(db)) {
            for (int i = 0; i < 12; i++) {
                Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(2000))");
            }
            older = Sqlite.readWal(db);
            Sqlite.exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
            Sqlite.exec(c, "UPDATE t SET v = randomblob(5) WHERE id = 1", "UPDATE t SET v = randomblob(5) WHERE id = 2");
            newer = Sqlite.readWal(db);
        }
        assertThat(newer.length).isLessThan(older.length);
        byte[] spliced = older.clone();
        System.arraycopy(newer, 0, spliced, 0, newer.length);
        Path file = dir.resolve("spliced-wal");

        try (WalReader reader = new WalReader(file)) {
            Files.write(file, older);
            WalScan old = reader.scan(null);
            Files.write(file, Arrays.copyOf(newer, newer.length));
            WalPosition newerEnd = reader.scan(null).end();
            Files.write(file, spliced);

            WalScan full = reader.scan(null);
            WalScan fromOld = reader.scan(old.end());
            WalScan fromNewerEnd = reader.scan(newerEnd);

            assertThat(full.transactions()).isEqualTo(2);
            assertThat(full.end()).isEqualTo(newerEnd);
            assertThat(full.pages()).isEqualTo(new WalBytes(newer).newestPages(32, newer.length));
            assertThat(fromOld.restarted()).isTrue();
            assertThat(fromOld.end()).isEqualTo(newerEnd);
            assertThat(fromNewerEnd.isEmpty()).isTrue();
            assertThat(fromNewerEnd.restarted()).isFalse();
        }
    }

    @Test
    void framesOfARolledBackTransactionCarryCurrentSaltsButBreakTheChecksumChain() throws Exception {
        Path db = dir.resolve("b.db");
        Sqlite.create(db, PAGE, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
        try (Connection c = Sqlite.open(db); WalReader reader = new WalReader(Sqlite.walOf(db))) {
            Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(100))", "PRAGMA cache_size=2");
            WalPosition committed = reader.scan(null).end();
            c.setAutoCommit(false);
            Sqlite.exec(c, Sqlite.series(100) + "INSERT INTO t(v) SELECT randomblob(3000) FROM s");
            c.rollback();
            c.setAutoCommit(true);
            long spilledUpTo = reader.size();
            // The next commit overwrites the rolled-back frames from the last commit on.
            Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(100))");

            WalScan scan = reader.scan(null);
            byte[] wal = Sqlite.readWal(db);

            assertThat(spilledUpTo).as("SQLite spilled frames before the rollback").isGreaterThan(committed.offset() + 4L * (PAGE + 24));
            assertThat(scan.transactions()).isEqualTo(2);
            assertThat(scan.end().offset()).isLessThan(wal.length);
            WalFrameHeader leftover = WalFrameHeader.parse(wal, (int) scan.end().offset());
            assertThat(leftover.sameSalts(scan.header())).as("only the checksum can end the log here").isTrue();
            assertThat(Sqlite.queryLong(c, "SELECT count(*) FROM t")).isEqualTo(2);
        }
    }

    @Test
    void aWalDeletedAndCreatedAnewIsReadFromTheNewFile() throws Exception {
        Path db = dir.resolve("n.db");
        Sqlite.create(db, PAGE, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
        try (WalReader reader = new WalReader(Sqlite.walOf(db))) {
            WalScan first;
            try (Connection c = Sqlite.open(db)) {
                for (int i = 0; i < 3; i++) {
                    Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(100))");
                }
                first = reader.scan(null);
            }
            // Closing the last connection checkpointed and deleted the WAL; the reader still holds
            // the old file open and is not asked anything until a new WAL exists.
            assertThat(Files.exists(Sqlite.walOf(db))).isFalse();
            try (Connection c = Sqlite.open(db)) {
                Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(100))");

                WalScan second = reader.scan(first.end());

                assertThat(second.restarted()).isTrue();
                assertThat(second.transactions()).isEqualTo(1);
                assertThat(second.header().salt2()).isNotEqualTo(first.header().salt2());
            }
            assertThat(reader.readHeader()).isEmpty();
            assertThat(reader.scan(first.end())).isNull();
        }
    }
}
