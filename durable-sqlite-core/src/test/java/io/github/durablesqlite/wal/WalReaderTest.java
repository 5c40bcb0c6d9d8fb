package io.github.durablesqlite.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalReaderTest {
    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    @Test
    void readsCommittedFramesOfARealWal() throws Exception {
        Path db = dir.resolve("r.db");
        Sqlite.create(db, PAGE, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'value-0')");
        try (Connection c = Sqlite.open(db); WalReader reader = new WalReader(Sqlite.walOf(db))) {
            int root = (int) Sqlite.queryLong(c, "SELECT rootpage FROM sqlite_schema WHERE name='t'");
            for (int i = 1; i <= 10; i++) {
                Sqlite.exec(c, "UPDATE t SET v = 'value-" + i + "'");
            }
            c.setAutoCommit(false);
            Sqlite.exec(c, Sqlite.series(50) + "INSERT INTO t(v) SELECT printf('%.1000c', 'x') FROM s");
            c.commit();
            c.setAutoCommit(true);

            WalScan scan = reader.scan(null);
            byte[] wal = Sqlite.readWal(db);
            WalBytes frames = new WalBytes(wal);

            assertThat(scan.transactions()).isEqualTo(11);
            assertThat(scan.commitSize()).isEqualTo(Sqlite.queryLong(c, "PRAGMA page_count"));
            assertThat(scan.restarted()).isFalse();
            assertThat(scan.isEmpty()).isFalse();
            assertThat(scan.header()).isEqualTo(WalHeader.parse(wal));
            assertThat(scan.start()).isEqualTo(WalPosition.start(scan.header()));
            assertThat(scan.end().offset()).isEqualTo(wal.length);
            assertThat(scan.length()).isEqualTo(wal.length - 32L);
            assertThat(scan.frameCount()).isEqualTo((wal.length - 32) / (PAGE + 24));
            WalFrameHeader last = frames.frame(wal.length - frames.frameSize());
            assertThat(scan.end()).isEqualTo(new WalPosition(scan.header().salt1(), scan.header().salt2(),
                    wal.length, last.checksum1(), last.checksum2()));
            assertThat(scan.pages()).isEqualTo(frames.newestPages(32, wal.length));
            assertThat(scan.pages().keySet()).allSatisfy(p -> assertThat(p).isBetween(1, scan.commitSize()));
            assertThat(scan.pages()).containsKey(1); // the database grew, so the header page changed
            assertThat(scan.livePages()).isEqualTo(scan.pages());

            byte[] page = new byte[PAGE];
            reader.readPage(scan.pages().get(1), page);
            assertThat(new String(page, 0, 16, StandardCharsets.US_ASCII)).isEqualTo("SQLite format 3\0");
            reader.readPage(scan.pages().get(root), page);
            long at = scan.pages().get(root);
            assertThat(page).isEqualTo(Arrays.copyOfRange(wal, (int) at, (int) at + PAGE));
        }
    }

    @Test
    void pagesMapToTheNewestCommittedFrameOfEachPage() throws Exception {
        Path db = dir.resolve("n.db");
        Sqlite.create(db, PAGE, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'value-0')");
        try (Connection c = Sqlite.open(db); WalReader reader = new WalReader(Sqlite.walOf(db))) {
            int root = (int) Sqlite.queryLong(c, "SELECT rootpage FROM sqlite_schema WHERE name='t'");
            for (int i = 1; i <= 5; i++) {
                Sqlite.exec(c, "UPDATE t SET v = 'value-" + i + "'");
            }

            WalScan scan = reader.scan(null);

            // Each update rewrote only the table's single page; the map keeps the last of five frames.
            assertThat(scan.transactions()).isEqualTo(5);
            assertThat(scan.frameCount()).isEqualTo(5);
            assertThat(scan.pages()).containsOnlyKeys(root);
            assertThat(scan.pages().get(root)).isEqualTo(32 + 4L * (PAGE + 24) + 24);
            byte[] page = new byte[PAGE];
            reader.readPage(scan.pages().get(root), page);
            String text = new String(page, StandardCharsets.ISO_8859_1);
            assertThat(text).contains("value-5").doesNotContain("value-4");
        }
    }

    @Test
    void leavesOutATransactionWhoseCommitFrameIsNotWrittenYet() throws Exception {
        Path db = dir.resolve("u.db");
        Sqlite.create(db, PAGE, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
        try (Connection c = Sqlite.open(db); WalReader reader = new WalReader(Sqlite.walOf(db))) {
            Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(100))", "PRAGMA cache_size=2");
            WalScan before = reader.scan(null);
            c.setAutoCommit(false);
            // Far more dirty pages than the cache holds: SQLite spills them into the WAL before the commit.
            Sqlite.exec(c, Sqlite.series(200) + "INSERT INTO t(v) SELECT randomblob(2000) FROM s");
            long spilled = reader.size();

            WalScan during = reader.scan(null);

            assertThat(spilled).as("SQLite spilled uncommitted frames").isGreaterThan(before.end().offset());
            assertThat(during.end()).isEqualTo(before.end());
            assertThat(during.transactions()).isEqualTo(1);
            assertThat(during.pages()).isEqualTo(before.pages());
            assertThat(reader.scan(before.end()).isEmpty()).isTrue();

            c.commit();
            c.setAutoCommit(true);
            WalScan after = reader.scan(before.end());

            assertThat(after.transactions()).isEqualTo(1);
            assertThat(after.commitSize()).isEqualTo(Sqlite.queryLong(c, "PRAGMA page_count"));
            assertThat(after.end().offset()).isEqualTo(reader.size());
        }
    }

    @Test
    void resumesFromAPositionAndReadsOnlyTheNewTransactions() throws Exception {
        Path db = dir.resolve("p.db");
        Sqlite.create(db, PAGE, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
        try (Connection c = Sqlite.open(db); WalReader reader = new WalReader(Sqlite.walOf(db))) {
            for (int i = 0; i < 20; i++) {
                Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(700))");
            }
            WalScan first = reader.scan(null);
            for (int i = 0; i < 7; i++) {
                Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(3000))", "UPDATE t SET v = randomblob(10) WHERE id = " + (i + 1));
            }

            WalScan resumed = reader.scan(first.end());
            WalScan full = reader.scan(null);

            assertThat(resumed.restarted()).isFalse();
            assertThat(resumed.start()).isEqualTo(first.end());
            assertThat(resumed.transactions()).isEqualTo(14);
            assertThat(full.transactions()).isEqualTo(first.transactions() + resumed.transactions());
            assertThat(resumed.end()).isEqualTo(full.end());
            assertThat(resumed.commitSize()).isEqualTo(full.commitSize());
            assertThat(resumed.frameCount()).isEqualTo(full.frameCount() - first.frameCount());
            // The resumed pages are exactly the full scan's pages whose newest frame is new.
            assertThat(resumed.pages()).isEqualTo(Map.copyOf(full.pages().entrySet().stream()
                    .filter(e -> e.getValue() >= first.end().offset())
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))));
            assertThat(resumed.pages().keySet()).isSubsetOf(full.pages().keySet());

            WalScan again = reader.scan(resumed.end());
            assertThat(again.isEmpty()).isTrue();
            assertThat(again.start()).isEqualTo(resumed.end());
            assertThat(again.end()).isEqualTo(resumed.end());
            assertThat(again.commitSize()).isZero();
            assertThat(again.frameCount()).isZero();
            assertThat(again.pages()).isEmpty();
        }
    }

    @Test
    void resumingNeverReadsTheFramesBeforeThePosition() throws Exception {
        Path db = dir.resolve("q.db");
        Sqlite.create(db, PAGE, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
        byte[] wal;
        WalPosition middle;
        try (Connection c = Sqlite.open(db); WalReader reader = new WalReader(Sqlite.walOf(db))) {
            for (int i = 0; i < 10; i++) {
                Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(900))");
            }
            middle = reader.scan(null).end();
            for (int i = 0; i < 10; i++) {
                Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(900))");
            }
            wal = Sqlite.readWal(db);
        }
        Path copy = dir.resolve("copy-wal");
        Files.write(copy, wal);
        WalScan expected;
        try (WalReader reader = new WalReader(copy)) {
            expected = reader.scan(middle);
        }
        // Destroy every frame before the position: a resumed scan that depended on them would change.
        Arrays.fill(wal, 32, (int) middle.offset(), (byte) 0x5a);
        Files.write(copy, wal);

        try (WalReader reader = new WalReader(copy)) {
            WalScan resumed = reader.scan(middle);

            assertThat(resumed.transactions()).isEqualTo(10);
            assertThat(resumed.end()).isEqualTo(expected.end());
            assertThat(resumed.pages()).isEqualTo(expected.pages());
            assertThat(reader.scan(null).isEmpty()).as("a full scan does see the damage").isTrue();
        }
    }

    @Test
    void livePagesLeaveOutPagesBeyondADatabaseThatShrank() throws Exception {
        Path db = dir.resolve("v.db");
        Sqlite.create(db, PAGE, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
        try (Connection c = Sqlite.open(db); WalReader reader = new WalReader(Sqlite.walOf(db))) {
            Sqlite.exec(c, Sqlite.series(40) + "INSERT INTO t(v) SELECT randomblob(3000) FROM s");
            long grown = Sqlite.queryLong(c, "PRAGMA page_count");
            Sqlite.exec(c, "DELETE FROM t WHERE id > 2", "VACUUM");

            WalScan scan = reader.scan(null);

            assertThat(scan.commitSize()).isEqualTo(Sqlite.queryLong(c, "PRAGMA page_count")).isLessThan((int) grown);
            assertThat(scan.pages().lastKey()).isEqualTo((int) grown);
            assertThat(scan.livePages()).isEqualTo(scan.pages().headMap(scan.commitSize(), true));
            assertThat(scan.livePages().lastKey()).isLessThanOrEqualTo(scan.commitSize());
        }
    }

    @Test
    void aMissingWalHasNoHeaderAndNoScanUntilSqliteCreatesIt() throws Exception {
        Path db = dir.resolve("m.db");
        Sqlite.create(db, PAGE, "CREATE TABLE t(x)");
        try (WalReader reader = new WalReader(Sqlite.walOf(db))) {
            assertThat(Files.exists(Sqlite.walOf(db))).isFalse();
            assertThat(reader.readHeader()).isEmpty();
            assertThat(reader.scan(null)).isNull();
            assertThat(reader.size()).isZero();

            try (Connection c = Sqlite.open(db)) {
                Sqlite.exec(c, "INSERT INTO t VALUES (1)");

                assertThat(reader.readHeader()).isPresent();
                WalScan scan = reader.scan(null);
                assertThat(scan.transactions()).isEqualTo(1);
                assertThat(reader.size()).isEqualTo(scan.end().offset());
            }
        }
    }

    @Test
    void aShortOrZeroedHeaderMeansNoWalYet() throws Exception {
        Path wal = dir.resolve("z.db-wal");
        try (WalReader reader = new WalReader(wal)) {
            Files.write(wal, new byte[0]);
            assertThat(reader.readHeader()).isEmpty();
            assertThat(reader.scan(null)).isNull();

            byte[] header = SyntheticWal.header(WalHeader.MAGIC_LITTLE_ENDIAN, WalHeader.FORMAT_VERSION, 1024, 0, 1, 2);
            Files.write(wal, Arrays.copyOf(header, 31));
            assertThat(reader.readHeader()).isEmpty();
            assertThat(reader.scan(null)).isNull();

            Files.write(wal, new byte[4096]);
            assertThat(reader.readHeader()).isEmpty();
            assertThat(reader.scan(null)).isNull();

            Files.write(wal, header);
            assertThat(reader.readHeader()).contains(WalHeader.parse(header));
            WalScan scan = reader.scan(null);
            assertThat(scan.isEmpty()).isTrue();
            assertThat(scan.end()).isEqualTo(WalPosition.start(scan.header()));
            assertThat(scan.commitSize()).isZero();
        }
    }

    @Test
    void ignoresAPartialFrameAtTheEndOfTheFile() throws Exception {
        byte[] wal = new SyntheticWal(false, 512, 1, 2)
                .frame(1, 1, SyntheticWal.page(512, 1))
                .bytes();
        Path file = dir.resolve("partial-wal");
        Files.write(file, Arrays.copyOf(wal, wal.length + 100));
        try (WalReader reader = new WalReader(file)) {
            WalScan scan = reader.scan(null);
            assertThat(scan.transactions()).isEqualTo(1);
            assertThat(scan.end().offset()).isEqualTo(wal.length);
        }
    }

    @Test
    void rejectsPositionsAndOffsetsOffTheFrameGrid() throws Exception {
        byte[] wal = new SyntheticWal(true, 512, 1, 2)
                .frame(1, 1, SyntheticWal.page(512, 1))
                .bytes();
        Path file = dir.resolve("grid-wal");
        Files.write(file, wal);
        try (WalReader reader = new WalReader(file)) {
            WalScan scan = reader.scan(null);
            long data = scan.pages().get(1);
            assertThat(data).isEqualTo(32 + 24);

            assertThatThrownBy(() -> reader.scan(new WalPosition(1, 2, 33, 0, 0)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("offset 33 is not on a frame boundary for page size 512");
            assertThatThrownBy(() -> reader.readPage(data + 1, new byte[512]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("offset 57 is not where page data starts");
            assertThatThrownBy(() -> reader.readPage(32, new byte[512]))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> reader.readPage(data, new byte[511]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("a page is 512");
            assertThatThrownBy(() -> reader.readPage(data + 536, new byte[512]))
                    .isInstanceOf(WalFormatException.class)
                    .hasMessageContaining("ends at offset " + wal.length + ", inside the frame at offset " + wal.length);

            byte[] page = new byte[512];
            reader.readPage(data, page);
            assertThat(page).isEqualTo(SyntheticWal.page(512, 1));
        }
    }

    @Test
    void aPositionBeyondTheEndOfTheFileFindsNothing() throws Exception {
        byte[] wal = new SyntheticWal(false, 512, 1, 2)
                .frame(1, 1, SyntheticWal.page(512, 1))
                .bytes();
        Path file = dir.resolve("beyond-wal");
        Files.write(file, wal);
        try (WalReader reader = new WalReader(file)) {
            WalPosition far = new WalPosition(1, 2, 32 + 10L * 536, 0, 0);

            WalScan scan = reader.scan(far);

            assertThat(scan.isEmpty()).isTrue();
            assertThat(scan.end()).isEqualTo(far);
        }
    }

    @Test
    void aClosedReaderRefusesWork() throws Exception {
        Path file = dir.resolve("closed-wal");
        Files.write(file, new SyntheticWal(false, 512, 1, 2).frame(1, 1, SyntheticWal.page(512, 1)).bytes());
        WalReader reader = new WalReader(file);
        reader.scan(null);
        reader.close();

        assertThatThrownBy(() -> reader.scan(null)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> reader.readHeader()).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> reader.readPage(56, new byte[512])).isInstanceOf(ClosedChannelException.class);
    }
}
