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
import java.util.Base64;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compatibility evidence: three level-0 files written by Litestream 0.5.17 itself (its VFS
 * extension in write mode; the test resources' {@code litestream/README.txt} says how), embedded
 * here so this test needs nothing else. In order they restore a database with a {@code notes}
 * table, which this test restores through our merger and encoder and checks with SQLite.
 */
class LitestreamGoldenTest {

    private static final String TXID_1 = """
            TFRYMQAAAAIAABAAAAAAAgAAAAAAAAABAAAAAAAAAAEAAAGiCyU7NQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAQAAAMv2ElNRTGl0ZSBmb3JtYXQgMwAQAAEBAEAgIAAAAAMAAAAC
            AAEAVQEAAAAEDgACEAAPAgAN/wADAC5jAQ0AAAABD48AD48vAA0PAgD///////////////////zxUm8BBxcXFwGBPXRhYmxl
            bm90ZXNub3RlcwJDUkVBVEUgVEFCTEUgbm90ZXMoaWQgSU5URUdFUiBQUklNQVJZIEtFWSwgdGV4dCBURVhUIE5PVCBOVUxM
            LCBjcmVhdGVkX2EaALBUIE5PVCBOVUxMKQAAAAIAAQAAAF7fDQAAAAIPwQAP4Q/BAAEA////////////////////sPEcHgIE
            ABk1c2Vjb25kMjAyNi0wMS0wMVQwMDowMDowMVodAQQAFzVmaXJzdB8AAB8AsDFUMDA6MDA6MDBaAAAAAAAAAWTVAQK5AmgA
            AAAAAAAAAAkAAAAAAAAAANEAoxQ1Uxvs
            """;
    private static final String TXID_2 = """
            TFRYMQAAAAIAABAAAAAAAgAAAAAAAAACAAAAAAAAAAIAAAGiCyU8gwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAQAAAM/2ElNRTGl0ZSBmb3JtYXQgMwAQAAEBAEAgIFk4UlwAAAAC
            AAEAVQEAAAAEDgACEAAPAgAK/wNZOFJcAC5jAQ0AAAABD48AD48uAAkPAgD///////////////////8B8VJvAQcXFxcBgT10
            YWJsZW5vdGVzbm90ZXMCQ1JFQVRFIFRBQkxFIG5vdGVzKGlkIElOVEVHRVIgUFJJTUFSWSBLRVksIHRleHQgVEVYVCBOT1Qg
            TlVMTCwgY3JlYXRlZF9hGgCwVCBOT1QgTlVMTCkAAAACAAEAAACD/wEND+EAAw97AA97D8EPogAAAgD/////////////////
            //9n/yIlAQQAJzVmaXJzdCwgZWRpdGVkMjAyNi0wMS0wMVQwMDowMDowMFodAwQAFzV0aGlyHwAA3zJaHgIEABk1c2Vjb24g
            AABoMVoAAAAf1A8AAgCwAAAAAAAAAAAAAAAAAAAAAAABZNkBAr0CjQEAAAAAAAAAAAoAAAAAAAAAAOaeVkj6XQmF
            """;
    private static final String TXID_3 = """
            TFRYMQAAAAIAABAAAAAACQAAAAAAAAADAAAAAAAAAAMAAAGiCyU9vQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAQAAAM/2ElNRTGl0ZSBmb3JtYXQgMwAQAAEBAEAgIKZC7msAAAAJ
            AAEAVQEAAAAEDgACEAAPAgAK/wOmQu5rAC5jAQ0AAAABD48AD48uAAkPAgD///////////////////8B8VJvAQcXFxcBgT10
            YWJsZW5vdGVzbm90ZXMCQ1JFQVRFIFRBQkxFIG5vdGVzKGlkIElOVEVHRVIgUFJJTUFSWSBLRVksIHRleHQgVEVYVCBOT1Qg
            TlVMTCwgY3JlYXRlZF9hGgCwVCBOT1QgTlVMTCkAAAACAAEAAABK8gcFAAAABg/iAAAAAAkP+w/2D/EP7A/nEQAPAgD/////
            ///////////////F8AwIGwAAAAcYAAAABhUAAAAFEgAAAAQPAAAAAwwAAAADAAEAAACs/wYND8EABQNXAA97D6ILbwdjA1cD
            VwABAP///zL/AogJDAUAj201YnVsayAxMiAqAQD////X9wgyMDI2LTAxLTAyVDAwOjAwOjAwWogJCwwELzEgCgT////WDwwE
            BRcKDAQfMAwE////7fUEJQEEACc1Zmlyc3QsIGVkaXRlZD8IFjE/CK8dAwQAFzV0aGlyHwAAbzJaAAAAP68PGQACALAAAAAA
            AAAAAAAAAAAAAAQAAQAAAHX/AQ0AAAADA9wAC/QH6APcAAACAP///7z/AogJDwUAj201YnVsayAxNSAqAQD////X9wgyMDI2
            LTAxLTAyVDAwOjAwOjAwWogJDgwELzQgCgT////WDwwEBRcNDAQfMwwE////3AEYCMAwMlQwMDowMDowMFoAAAAFAAEAAAB1
            /wENAAAAAwPcAAv0B+gD3AAAAgD///+8/wKICRIFAI9tNWJ1bGsgMTggKgEA////1/cIMjAyNi0wMS0wMlQwMDowMDowMFqI
            CREMBC83IAoE////1g8MBAUXEAwEHzYMBP///9wBGAjAMDJUMDA6MDA6MDBaAAAABgABAAAAdv8BDQAAAAMD3AAL9AfoA9wA
            AAIA////vP8CiAkVBQCPbTVidWxrIDIxICoBAP///9f3CDIwMjYtMDEtMDJUMDA6MDA6MDBaiAkUDAQvMCAKBP///9YPDAQF
            FhMMBC8xOQwE////3AEYCMAwMlQwMDowMDowMFoAAAAHAAEAAAB1/wENAAAAAwPcAAv0B+gD3AAAAgD///+8/wKICRgFAI9t
            NWJ1bGsgMjQgKgEA////1/cIMjAyNi0wMS0wMlQwMDowMDowMFqICRcMBC8zIAoE////1g8MBAUXFgwEHzIMBP///9wBGAjA
            MDJUMDA6MDA6MDBaAAAACAABAAAAdf8BDQAAAAMD3AAL9AfoA9wAAAIA////vP8CiAkbBQCPbTVidWxrIDI3ICoBAP///9f3
            CDIwMjYtMDEtMDJUMDA6MDA6MDBaiAkaDAQvNiAKBP///9YPDAQFFxkMBB81DAT////cARgIwDAyVDAwOjAwOjAwWgAAAAkA
            AQAAAGrfDQAAAAIH6AAL9AfoAAEA/////////8//AogJHQUAj201YnVsayAyOSAqAQD////X9wgyMDI2LTAxLTAyVDAwOjAw
            OjAwWogJHAwELzggCgT////WAAwEAAwE4DEtMDJUMDA6MDA6MDBaAAAAAAAAAWTZAQK9AlQDkQO2AQTHBH8FxgV/BsUGgAEH
            xQd/CMQIfwnDCXQAAAAAAAAAACcAAAAAAAAAAOQ0yl4t1hsZ
            """;

    private static final long[] FILE_CHECKSUMS = {0xd100a31435531becL, 0xe69e5648fa5d0985L, 0xe434ca5e2dd61b19L};
    private static final long[] TIMESTAMPS = {1795483319093L, 1795483319427L, 1795483319741L};
    private static final int[] COMMITS = {2, 2, 9};

    private static byte[] file(int i) {
        return Base64.getMimeDecoder().decode(new String[] {TXID_1, TXID_2, TXID_3}[i]);
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
