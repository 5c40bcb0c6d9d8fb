package io.github.durablesqlite.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sqlite.SQLiteConnection;

/**
 * Seeded random workloads against a real database, replayed the way a replicator would: scan from
 * the last position, copy the scanned pages into a copy of the database, truncate it to the commit
 * size, and check that the copy is, byte for byte, the database SQLite sees. Checkpoints (and so
 * WAL restarts) happen only right after a sync, as the replicator does them.
 *
 * <p>To replay another seed: {@code -Dwal.seed=N} (page size 4096) adds it to the cases.
 */
class WalReconstructionTest {
    @TempDir
    Path dir;

    static Stream<Arguments> workloads() {
        Stream<Arguments> fixed = Stream.of(
                Arguments.of(1L, 4096, 60, false),
                Arguments.of(2L, 512, 60, false),
                Arguments.of(3L, 1024, 60, true),
                Arguments.of(4L, 65536, 30, false),
                Arguments.of(5L, 4096, 60, true));
        Long extra = Long.getLong("wal.seed");
        return extra == null ? fixed : Stream.concat(fixed, Stream.of(Arguments.of(extra, 4096, 60, false)));
    }

    @ParameterizedTest(name = "seed {0}, page size {1}, {2} transactions, auto-vacuum {3}")
    @MethodSource("workloads")
    void replayingScannedPagesRebuildsTheDatabase(long seed, int pageSize, int transactions, boolean autoVacuum)
            throws Exception {
        Path db = dir.resolve("live.db");
        createDatabase(db, pageSize, autoVacuum);
        Path rebuilt = dir.resolve("rebuilt.db");
        Files.copy(db, rebuilt); // every connection is closed and the WAL checkpointed: the file is the database

        Random random = new Random(seed);
        // Separate from the workload's stream, so when to sync and checkpoint does not skew what is written.
        Random schedule = new Random(~seed);
        Replica replica = new Replica(rebuilt, pageSize, "seed " + seed);
        Workload workload = new Workload(random, pageSize);
        try (Connection c = Sqlite.open(db); WalReader reader = new WalReader(Sqlite.walOf(db))) {
            // A small cache makes SQLite spill uncommitted frames, and rewrite them in place before the commit.
            Sqlite.exec(c, "PRAGMA cache_size=" + (4 + random.nextInt(40)));
            boolean checkpointed = false; // since the last restart a scan saw
            boolean restartDue = false;   // a checkpoint, then a commit: the next scan must see a new WAL
            for (int tx = 0; tx < transactions; tx++) {
                boolean committed = workload.transaction(c);
                if (schedule.nextInt(25) == 0) {
                    Sqlite.exec(c, "VACUUM");
                    committed = true;
                }
                restartDue |= checkpointed && committed;
                if (schedule.nextInt(3) != 0 && tx != transactions - 1) {
                    continue;
                }
                WalScan scan = replica.sync(reader, c);
                if (scan != null && scan.restarted()) {
                    assertThat(checkpointed).as("seed %d: WAL restart without a checkpoint before tx %d", seed, tx).isTrue();
                    checkpointed = false;
                    restartDue = false;
                    replica.restarts++;
                }
                assertThat(restartDue).as("seed %d: no WAL restart seen after a checkpoint, at tx %d", seed, tx).isFalse();
                if (schedule.nextInt(4) == 0 || replica.checkpoints == 0 && tx >= transactions / 2) {
                    checkpoint(c, new String[] {"PASSIVE", "RESTART", "TRUNCATE"}[schedule.nextInt(3)], seed);
                    replica.checkpoints++;
                    // A restart is relative to a position: before the first WAL there is none.
                    checkpointed = replica.position != null;
                }
            }
            System.out.printf("seed %d: %d syncs, %d checkpoints, %d restarts seen, %d frames, %d pages copied%n",
                    seed, replica.syncs, replica.checkpoints, replica.restarts, replica.frames, replica.pagesCopied);
            assertThat(replica.syncs).as("seed %d", seed).isGreaterThan(5);
            assertThat(replica.checkpoints).as("seed %d", seed).isPositive();
        }
    }

    private static void createDatabase(Path db, int pageSize, boolean autoVacuum) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            Sqlite.exec(c, "PRAGMA page_size=" + pageSize, "PRAGMA auto_vacuum=" + (autoVacuum ? "FULL" : "NONE"),
                    "PRAGMA journal_mode=WAL",
                    "CREATE TABLE t0(id INTEGER PRIMARY KEY, n INTEGER, v BLOB)",
                    "CREATE INDEX t0n ON t0(n)",
                    "CREATE TABLE t1(id INTEGER PRIMARY KEY, n INTEGER, v BLOB)",
                    "CREATE TABLE t2(k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID");
            assertThat(Sqlite.queryLong(c, "PRAGMA auto_vacuum")).isEqualTo(autoVacuum ? 1 : 0);
        }
    }

    private static void checkpoint(Connection c, String mode, long seed) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            r.next();
            assertThat(r.getInt(1)).as("seed %d: %s checkpoint was busy", seed, mode).isZero();
            assertThat(r.getInt(3)).as("seed %d: %s checkpoint copied every frame", seed, mode).isEqualTo(r.getInt(2));
        }
    }

    /** The copy of the database that is kept up to date from WAL scans alone. */
    private final class Replica {
        private final Path file;
        private final int pageSize;
        private final String label;
        private WalPosition position;
        private int syncs;
        private int checkpoints;
        private int restarts;
        private long frames;
        private long pagesCopied;

        Replica(Path file, int pageSize, String label) {
            this.file = file;
            this.pageSize = pageSize;
            this.label = label;
        }

        WalScan sync(WalReader reader, Connection live) throws Exception {
            WalScan scan = reader.scan(position);
            syncs++;
            if (scan != null) {
                apply(reader, scan);
                position = scan.end();
                frames += scan.frameCount();
                pagesCopied += scan.pages().size();
            }
            verify(live, scan);
            return scan;
        }

        private void apply(WalReader reader, WalScan scan) throws IOException {
            assertThat(scan.livePages().keySet()).as(label).allSatisfy(p -> assertThat(p).isLessThanOrEqualTo(scan.commitSize()));
            byte[] page = new byte[pageSize];
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
                for (Map.Entry<Integer, Long> e : scan.pages().entrySet()) {
                    reader.readPage(e.getValue(), page);
                    out.write(ByteBuffer.wrap(page), (e.getKey() - 1L) * pageSize);
                }
                if (!scan.isEmpty()) {
                    out.truncate((long) scan.commitSize() * pageSize);
                }
            }
        }

        private void verify(Connection live, WalScan scan) throws Exception {
            String at = label + ", sync " + syncs + ", " + scan;
            // SQLite's own image of the database, read through its pager, so WAL frames included.
            byte[] expected = live.unwrap(SQLiteConnection.class).serialize("main");
            assertThat(Files.readAllBytes(file)).as(at).isEqualTo(expected);

            // And the copy is a database SQLite reads the same. Checked on a scratch copy so that
            // SQLite never writes to the replica file itself.
            Path check = dir.resolve("check.db");
            Files.copy(file, check, StandardCopyOption.REPLACE_EXISTING);
            assertThat(Sqlite.integrityCheck(check)).as(at).isEqualTo("ok");
            assertThat(Sqlite.dump(check)).as(at).isEqualTo(Sqlite.dump(live));
        }
    }

    /** Random inserts, updates and deletes of random-size blobs across the tables, some rolled back. */
    private static final class Workload {
        private final Random random;
        private final int pageSize;
        private int nextN;
        private int inserted;

        Workload(Random random, int pageSize) {
            this.random = random;
            this.pageSize = pageSize;
        }

        /** Runs one transaction; returns whether it committed a change (and so wrote frames). */
        boolean transaction(Connection c) throws SQLException {
            long changesBefore = Sqlite.queryLong(c, "SELECT total_changes()");
            c.setAutoCommit(false);
            try {
                int ops = 1 + random.nextInt(8);
                for (int i = 0; i < ops; i++) {
                    operation(c);
                }
                boolean changed = Sqlite.queryLong(c, "SELECT total_changes()") > changesBefore;
                if (random.nextInt(10) != 0) {
                    c.commit();
                    return changed;
                }
                c.rollback();
                return false;
            } finally {
                c.setAutoCommit(true);
            }
        }

        private void operation(Connection c) throws SQLException {
            String table = random.nextBoolean() ? "t0" : "t1";
            switch (random.nextInt(9)) {
                case 0, 1, 2 -> update(c, "INSERT INTO " + table + "(n, v) VALUES (?, ?)", nextN++, blob());
                case 3 -> {
                    int rows = 20 + random.nextInt(100);
                    for (int i = 0; i < rows; i++) {
                        update(c, "INSERT INTO " + table + "(n, v) VALUES (?, ?)", nextN++, smallBlob());
                    }
                }
                case 4 -> update(c, "UPDATE " + table + " SET n = ?, v = ? WHERE id = ?", nextN++, blob(), someId());
                case 5 -> update(c, "DELETE FROM " + table + " WHERE id = ?", someId());
                case 6 -> {
                    int from = someId();
                    update(c, "DELETE FROM " + table + " WHERE id BETWEEN ? AND ?", from, from + random.nextInt(40));
                }
                case 7 -> update(c, "INSERT OR REPLACE INTO t2(k, v) VALUES (?, ?)", "k" + random.nextInt(300), blob());
                default -> update(c, "DELETE FROM t2 WHERE k >= ? AND k < ?", "k" + random.nextInt(300), "k" + random.nextInt(300));
            }
        }

        private int someId() {
            inserted = Math.max(inserted, nextN);
            return 1 + random.nextInt(Math.max(1, inserted));
        }

        private byte[] blob() {
            int roll = random.nextInt(10);
            int size = roll < 6 ? random.nextInt(200) : roll < 9 ? random.nextInt(pageSize) : pageSize + random.nextInt(2 * pageSize);
            byte[] b = new byte[size];
            random.nextBytes(b);
            return b;
        }

        private byte[] smallBlob() {
            byte[] b = new byte[random.nextInt(64)];
            random.nextBytes(b);
            return b;
        }

        private static void update(Connection c, String sql, Object... args) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    s.setObject(i + 1, args[i]);
                }
                s.executeUpdate();
            }
        }
    }
}
