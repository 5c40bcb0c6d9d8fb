package io.github.durablesqlite.ltx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compatibility evidence: three level-0 files written by Litestream 0.5.17 itself (its VFS
 * extension in write mode; the test resources' {@code litestream/README.txt} says how). In order
 * they restore a database with a {@code notes} table, which this test restores through our merger
 * and encoder and checks with SQLite.
 */
class LitestreamGoldenTest {

    private static final long[] FILE_CHECKSUMS = {0xd100a31435531becL, 0xe69e5648fa5d0985L, 0xe434ca5e2dd61b19L};
    private static final long[] TIMESTAMPS = {1795483319093L, 1795483319427L, 1795483319741L};
    private static final int[] COMMITS = {2, 2, 9};

    private static byte[] file(int i) {
        String resource = String.format("/litestream/%016x-%016x.ltx", i + 1, i + 1);
        try (var in = LitestreamGoldenTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + resource + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String name(int i) {
        return String.format("ltx/0/%016x-%016x.ltx", i + 1, i + 1);
    }

    @Test
    void decodesAndVerifiesEveryFile() throws IOException {
        for (int i = 0; i < 3; i++) {
            byte[] file = file(i);
            assertThat(ByteBuffer.wrap(file).getShort(LtxHeader.SIZE + 4)).as("block encoding").isEqualTo((short) 1);
            try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(file), name(i))) {
                assertThat(dec.header()).isEqualTo(LtxHeader.of(4096, COMMITS[i], i + 1, i + 1, TIMESTAMPS[i]));
                List<Integer> pgnos = new ArrayList<>();
                byte[] page = new byte[4096];
                for (int pgno; (pgno = dec.nextPage(page)) != 0; ) {
                    pgnos.add(pgno);
                }
                assertThat(pgnos).hasSize(COMMITS[i]).startsWith(1, 2);
                assertThat(dec.finish()).isEqualTo(new LtxTrailer(0, FILE_CHECKSUMS[i]));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PageEncoding.class)
    void mergedFilesRestoreTheDatabaseLitestreamReplicated(PageEncoding encoding, @TempDir Path dir)
            throws IOException, SQLException {
        List<LtxDecoder> inputs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            inputs.add(new LtxDecoder(new ByteArrayInputStream(file(i)), name(i)));
        }
        // Compact into one snapshot with our encoder, then restore from that snapshot alone.
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        LtxHeader header = LtxMerger.mergedHeader(inputs.stream().map(LtxDecoder::header).toList());
        try (LtxEncoder enc = new LtxEncoder(snapshot, header, encoding)) {
            LtxMerger.merge(inputs, enc);
            enc.finish();
        }
        SortedMap<Integer, byte[]> pages = TestPages.decode(snapshot.toByteArray(), "compacted.ltx");
        assertThat(pages.keySet()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);

        Path db = dir.resolve("restored.db");
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            for (var e : pages.entrySet()) {
                f.seek((e.getKey() - 1L) * 4096);
                f.write(e.getValue());
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            List<Integer> ids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT id, text FROM notes ORDER BY id")) {
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                    if (rs.getInt(1) == 1) {
                        assertThat(rs.getString(2)).isEqualTo("first, edited");
                    } else if (rs.getInt(1) >= 10) {
                        assertThat(rs.getString(2)).isEqualTo("bulk " + rs.getInt(1) + " " + "*".repeat(1000));
                    }
                }
            }
            List<Integer> expected = new ArrayList<>(List.of(1, 3));
            for (int id = 10; id <= 29; id++) {
                expected.add(id);
            }
            assertThat(ids).isEqualTo(expected);
        }
    }
}
