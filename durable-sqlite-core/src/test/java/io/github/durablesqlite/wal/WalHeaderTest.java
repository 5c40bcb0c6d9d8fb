package io.github.durablesqlite.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WalHeaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {512, 4096, 65536})
    void parsesTheHeaderSqliteWrites(int pageSize) throws Exception {
        Path db = dir.resolve("h.db");
        Sqlite.create(db, pageSize, "CREATE TABLE t(x)");
        byte[] wal;
        try (Connection c = Sqlite.open(db)) {
            Sqlite.exec(c, "INSERT INTO t VALUES (1)");
            wal = Sqlite.readWal(db);
        }

        WalHeader header = WalHeader.parse(wal);

        // SQLite checksums in the CPU's native word order and says so in the magic.
        boolean nativeBigEndian = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;
        assertThat(header.magic())
                .isEqualTo(nativeBigEndian ? WalHeader.MAGIC_BIG_ENDIAN : WalHeader.MAGIC_LITTLE_ENDIAN);
        assertThat(header.bigEndianChecksums()).isEqualTo(nativeBigEndian);
        assertThat(header.formatVersion()).isEqualTo(WalHeader.FORMAT_VERSION);
        assertThat(header.pageSize()).isEqualTo(pageSize);
        assertThat(header.frameSize()).isEqualTo(pageSize + 24);
        // SQLite writes 65536 itself into the WAL header, not the database header's 1.
        assertThat(SyntheticWal.intAt(wal, 8)).isEqualTo(pageSize);
        WalFrameHeader first = WalFrameHeader.parse(wal, WalHeader.SIZE);
        assertThat(first.salt1()).isEqualTo(header.salt1());
        assertThat(first.salt2()).isEqualTo(header.salt2());
        assertThat(header.checksum1()).isEqualTo(SyntheticWal.intAt(wal, 24));
        assertThat(header.checksum2()).isEqualTo(SyntheticWal.intAt(wal, 28));
    }

    @Test
    void parsesBothChecksumByteOrders() throws Exception {
        byte[] big = SyntheticWal.header(WalHeader.MAGIC_BIG_ENDIAN, WalHeader.FORMAT_VERSION, 4096, 3, 11, 22);
        byte[] little = SyntheticWal.header(WalHeader.MAGIC_LITTLE_ENDIAN, WalHeader.FORMAT_VERSION, 4096, 3, 11, 22);

        WalHeader b = WalHeader.parse(big);
        WalHeader l = WalHeader.parse(little);

        assertThat(b.bigEndianChecksums()).isTrue();
        assertThat(l.bigEndianChecksums()).isFalse();
        assertThat(b.checkpointSequence()).isEqualTo(3);
        assertThat(b.salt1()).isEqualTo(11);
        assertThat(b.salt2()).isEqualTo(22);
        assertThat(b.checksum1()).isNotEqualTo(l.checksum1());
    }

    @Test
    void checksumIsVerifiedInTheOrderTheMagicNames() {
        byte[] little = SyntheticWal.header(WalHeader.MAGIC_LITTLE_ENDIAN, WalHeader.FORMAT_VERSION, 4096, 0, 1, 2);
        ByteBuffer.wrap(little).putInt(0, WalHeader.MAGIC_BIG_ENDIAN); // claim the other order, keep the sums

        assertThatThrownBy(() -> WalHeader.parse(little))
                .isInstanceOf(WalFormatException.class)
                .hasMessageContaining("checksum mismatch at offset 24");
    }

    @Test
    void storedPageSizeOneMeans65536() throws Exception {
        byte[] bytes = SyntheticWal.header(WalHeader.MAGIC_BIG_ENDIAN, WalHeader.FORMAT_VERSION, 1, 0, 1, 2);

        assertThat(WalHeader.parse(bytes).pageSize()).isEqualTo(65536);
        assertThat(WalHeader.parse(bytes).frameSize()).isEqualTo(65536 + 24);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 256, 511, 1000, 4095, 131072, -65536})
    void rejectsPageSizesSqliteCannotHave(int stored) {
        byte[] bytes = SyntheticWal.header(WalHeader.MAGIC_LITTLE_ENDIAN, WalHeader.FORMAT_VERSION, stored, 0, 1, 2);

        assertThatThrownBy(() -> WalHeader.parse(bytes))
                .isInstanceOf(WalFormatException.class)
                .hasMessageContaining("invalid WAL page size at offset 8: " + Integer.toUnsignedString(stored));
    }

    @Test
    void rejectsWrongMagic() {
        byte[] bytes = SyntheticWal.header(0x377f0684, WalHeader.FORMAT_VERSION, 4096, 0, 1, 2);

        assertThatThrownBy(() -> WalHeader.parse(bytes))
                .isInstanceOf(WalFormatException.class)
                .hasMessage("bad WAL magic at offset 0: 0x377f0684, expected 0x377f0682 or 0x377f0683");
    }

    @Test
    void rejectsZeroedHeader() {
        assertThatThrownBy(() -> WalHeader.parse(new byte[32]))
                .isInstanceOf(WalFormatException.class)
                .hasMessageContaining("bad WAL magic at offset 0: 0x00000000");
    }

    @Test
    void rejectsOtherFormatVersions() {
        byte[] bytes = SyntheticWal.header(WalHeader.MAGIC_LITTLE_ENDIAN, 3007001, 4096, 0, 1, 2);

        assertThatThrownBy(() -> WalHeader.parse(bytes))
                .isInstanceOf(WalFormatException.class)
                .hasMessage("unsupported WAL format version at offset 4: 3007001, expected 3007000");
    }

    @Test
    void rejectsAChangedByteAnywhereInTheChecksummedPart() throws Exception {
        byte[] good = SyntheticWal.header(WalHeader.MAGIC_LITTLE_ENDIAN, WalHeader.FORMAT_VERSION, 4096, 9, 123, 456);
        WalHeader.parse(good);
        // Bytes 12..31: checkpoint sequence, salts and the checksum itself; earlier bytes fail
        // their own field checks first.
        for (int i = 12; i < 32; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            assertThatThrownBy(() -> WalHeader.parse(bad))
                    .as("byte %d changed", i)
                    .isInstanceOf(WalFormatException.class)
                    .hasMessageContaining("checksum mismatch at offset 24");
        }
    }

    @Test
    void rejectsShortInput() {
        byte[] good = SyntheticWal.header(WalHeader.MAGIC_LITTLE_ENDIAN, WalHeader.FORMAT_VERSION, 4096, 0, 1, 2);

        assertThatThrownBy(() -> WalHeader.parse(Arrays.copyOf(good, 31)))
                .isInstanceOf(WalFormatException.class)
                .hasMessage("WAL header is 31 bytes long, expected 32");
    }

    @Test
    void startPositionIsTheFirstFrameWithTheHeaderChecksum() throws Exception {
        WalHeader header = WalHeader.parse(
                SyntheticWal.header(WalHeader.MAGIC_BIG_ENDIAN, WalHeader.FORMAT_VERSION, 1024, 0, 5, 6));

        WalPosition start = WalPosition.start(header);

        assertThat(start).isEqualTo(new WalPosition(5, 6, 32, header.checksum1(), header.checksum2()));
        assertThat(header.sameSalts(start)).isTrue();
        assertThat(header.sameSalts(new WalPosition(5, 7, 32, 0, 0))).isFalse();
        assertThatThrownBy(() -> new WalPosition(5, 6, 31, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
