package io.github.durablesqlite.ltx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/** Page generators and encode/decode shortcuts shared by the tests. */
final class TestPages {

    private TestPages() {
    }

    /** Random bytes: LZ4 cannot shrink them, so the encoders take their raw/literal paths. */
    static byte[] incompressible(Random rnd, int pageSize) {
        byte[] page = new byte[pageSize];
        rnd.nextBytes(page);
        return page;
    }

    /** One repeated byte with the page number stamped in: compresses to a few dozen bytes. */
    static byte[] compressible(int pgno, int pageSize) {
        byte[] page = new byte[pageSize];
        Arrays.fill(page, (byte) (pgno * 31));
        PageFrameWriter.putInt(page, 0, pgno);
        return page;
    }

    /** Like a SQLite b-tree page: a random head and a zero-filled tail. */
    static byte[] mixed(Random rnd, int pageSize) {
        byte[] page = new byte[pageSize];
        byte[] head = new byte[pageSize / 3];
        rnd.nextBytes(head);
        System.arraycopy(head, 0, page, 0, head.length);
        return page;
    }

    /** A page of each kind in turn, so every file exercises every compression path. */
    static byte[] varied(Random rnd, int pgno, int pageSize) {
        switch (pgno % 3) {
            case 0:
                return incompressible(rnd, pageSize);
            case 1:
                return compressible(pgno, pageSize);
            default:
                return mixed(rnd, pageSize);
        }
    }

    /** Every page 1..commit except the lock page. */
    static SortedMap<Integer, byte[]> snapshotPages(Random rnd, int pageSize, int commit) {
        SortedMap<Integer, byte[]> pages = new TreeMap<>();
        for (int pgno = 1; pgno <= commit; pgno++) {
            if (pgno != LtxHeader.lockPage(pageSize)) {
                pages.put(pgno, varied(rnd, pgno, pageSize));
            }
        }
        return pages;
    }

    static byte[] encode(LtxHeader header, PageEncoding encoding, Map<Integer, byte[]> pages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LtxEncoder enc = new LtxEncoder(out, header, encoding)) {
            for (Map.Entry<Integer, byte[]> e : new TreeMap<>(pages).entrySet()) {
                enc.writePage(e.getKey(), e.getValue());
            }
            enc.finish();
        }
        return out.toByteArray();
    }

    /** Decodes and fully verifies a file; returns its pages in file order. */
    static SortedMap<Integer, byte[]> decode(byte[] file, String name) throws IOException {
        SortedMap<Integer, byte[]> pages = new TreeMap<>();
        try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(file), name)) {
            int last = 0;
            byte[] page = new byte[dec.header().pageSize()];
            for (int pgno; (pgno = dec.nextPage(page)) != 0; last = pgno) {
                assertThat(pgno).isGreaterThan(last);
                pages.put(pgno, page.clone());
            }
            dec.finish();
        }
        return pages;
    }

    static void assertSamePages(Map<Integer, byte[]> actual, Map<Integer, byte[]> expected) {
        assertThat(actual.keySet()).containsExactlyElementsOf(new TreeMap<>(expected).keySet());
        for (Map.Entry<Integer, byte[]> e : expected.entrySet()) {
            assertThat(actual.get(e.getKey())).as("page %d", e.getKey()).isEqualTo(e.getValue());
        }
    }
}
