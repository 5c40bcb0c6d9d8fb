package io.github.durablesqlite.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both checksum word orders. SQLite writes its CPU's native order (little-endian on x86 and ARM),
 * so the other order is made by re-encoding a real WAL, and SQLite itself, which reads either
 * order during recovery, confirms that the re-encoded file is a WAL it accepts.
 */
class WalByteOrderTest {
    private static final int PAGE = 4096;

    @TempDir
    Path dir;
    private Path base;
    private byte[] wal;
    private List<String> liveContent;
    private List<String> baseContent;

    @BeforeEach
    void writeARealWalOverAKnownBase() throws Exception {
        Path db = dir.resolve("live.db");
        Sqlite.create(db, PAGE, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)", "CREATE INDEX tv ON t(v)",
                "INSERT INTO t(v) VALUES (x'00')");
        base = dir.resolve("base.db");
        Files.copy(db, base); // no connection is open: safe to read the database file directly
        baseContent = Sqlite.dump(base);
        try (Connection c = Sqlite.open(db)) {
            for (int i = 0; i < 8; i++) {
                Sqlite.exec(c, Sqlite.series(5 + i) + "INSERT INTO t(v) SELECT randomblob(300 * n) FROM s");
            }
            Sqlite.exec(c, "DELETE FROM t WHERE id % 3 = 0");
            liveContent = Sqlite.dump(c);
            wal = Sqlite.readWal(db);
        }
    }

    @Test
    void sqliteWritesItsNativeWordOrder() throws Exception {
        assertThat(WalHeader.parse(wal).bigEndianChecksums()).isEqualTo(ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aWalInEitherOrderScansAlikeAndSqliteRecoversTheSameContent(boolean bigEndian) throws Exception {
        byte[] encoded = SyntheticWal.reencode(wal, bigEndian);
        Path db = place(bigEndian ? "be" : "le", encoded);

        WalScan original = scan(dir.resolve("original-wal"), wal);
        WalScan scan;
        try (WalReader reader = new WalReader(Sqlite.walOf(db))) {
            scan = reader.scan(null);
        }

        assertThat(scan.header().bigEndianChecksums()).isEqualTo(bigEndian);
        assertThat(scan.transactions()).isEqualTo(original.transactions()).isEqualTo(9);
        assertThat(scan.commitSize()).isEqualTo(original.commitSize());
        assertThat(scan.end().offset()).isEqualTo(wal.length);
        assertThat(scan.pages()).isEqualTo(original.pages());
        // SQLite runs WAL recovery on open and validates every frame in the header's order.
        assertThat(Sqlite.dump(db)).isEqualTo(liveContent).isNotEqualTo(baseContent);
    }

    @Test
    void framesChecksummedInTheOtherOrderAreNotAWalToSqliteNorToTheReader() throws Exception {
        byte[] mixed = wal.clone();
        boolean nativeBig = WalHeader.parse(wal).bigEndianChecksums();
        byte[] otherHeader = SyntheticWal.reencode(wal, !nativeBig);
        System.arraycopy(otherHeader, 0, mixed, 0, WalHeader.SIZE); // header in one order, frames in the other
        Path db = place("mixed", mixed);

        try (WalReader reader = new WalReader(Sqlite.walOf(db))) {
            WalScan scan = reader.scan(null);
            assertThat(scan.header().bigEndianChecksums()).isEqualTo(!nativeBig);
            assertThat(scan.isEmpty()).isTrue();
        }
        assertThat(Sqlite.dump(db)).isEqualTo(baseContent);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void syntheticWalsInEitherOrder(boolean bigEndian) throws Exception {
        byte[] bytes = new SyntheticWal(bigEndian, 512, 0x01020304, 0xfedcba98)
                .frame(1, 0, SyntheticWal.page(512, 1))
                .frame(2, 2, SyntheticWal.page(512, 2))      // transaction 1: pages 1, 2
                .frame(2, 0, SyntheticWal.page(512, 3))
                .frame(3, 3, SyntheticWal.page(512, 4))      // transaction 2: pages 2, 3
                .frame(4, 0, SyntheticWal.page(512, 5))      // uncommitted
                .bytes();
        Path file = dir.resolve("synthetic-wal");
        Files.write(file, bytes);

        try (WalReader reader = new WalReader(file)) {
            WalScan scan = reader.scan(null);

            assertThat(scan.header().bigEndianChecksums()).isEqualTo(bigEndian);
            assertThat(scan.transactions()).isEqualTo(2);
            assertThat(scan.commitSize()).isEqualTo(3);
            assertThat(scan.frameCount()).isEqualTo(4);
            assertThat(scan.end().offset()).isEqualTo(32 + 4 * 536);
            assertThat(scan.pages()).containsExactly(
                    java.util.Map.entry(1, 32L + 24),
                    java.util.Map.entry(2, 32L + 2 * 536 + 24),
                    java.util.Map.entry(3, 32L + 3 * 536 + 24));
            byte[] page = new byte[512];
            reader.readPage(scan.pages().get(2), page);
            assertThat(page).isEqualTo(SyntheticWal.page(512, 3));

            // Word order matters: the same bytes with the magic's low bit flipped chain nothing.
            ByteBuffer.wrap(bytes).putInt(0, bigEndian ? WalHeader.MAGIC_LITTLE_ENDIAN : WalHeader.MAGIC_BIG_ENDIAN);
            Files.write(file, bytes);
            assertThat(reader.readHeader()).isEmpty();
        }
    }

    @Test
    void aStoredPageSizeOfOneScansAs65536() throws Exception {
        byte[] bytes = new SyntheticWal(false, 65536, 1, 5, 6)
                .frame(1, 1, SyntheticWal.page(65536, 1))
                .bytes();
        Path file = dir.resolve("big-page-wal");
        Files.write(file, bytes);

        try (WalReader reader = new WalReader(file)) {
            WalScan scan = reader.scan(null);

            assertThat(scan.header().pageSize()).isEqualTo(65536);
            assertThat(scan.transactions()).isEqualTo(1);
            assertThat(scan.end().offset()).isEqualTo(32 + 65536 + 24);
        }
    }

    /** A database directory holding the base file and {@code walBytes} as its WAL, with no -shm, so SQLite recovers. */
    private Path place(String name, byte[] walBytes) throws Exception {
        Path sub = Files.createDirectory(dir.resolve(name));
        Path db = sub.resolve("x.db");
        Files.copy(base, db);
        Files.write(Sqlite.walOf(db), walBytes);
        return db;
    }

    private static WalScan scan(Path file, byte[] bytes) throws Exception {
        Files.write(file, bytes);
        try (WalReader reader = new WalReader(file)) {
            return reader.scan(null);
        }
    }
}
