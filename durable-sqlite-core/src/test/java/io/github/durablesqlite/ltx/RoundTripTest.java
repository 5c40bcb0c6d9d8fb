package io.github.durablesqlite.ltx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RoundTripTest {

    static Stream<Arguments> encodingsAndPageSizes() {
        return Stream.of(PageEncoding.values())
                .flatMap(e -> Stream.of(512, 4096, 65536).map(size -> Arguments.of(e, size)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("encodingsAndPageSizes")
    void snapshotRoundTrips(PageEncoding encoding, int pageSize) throws IOException {
        Random rnd = new Random(pageSize * 31L + encoding.ordinal());
        SortedMap<Integer, byte[]> pages = TestPages.snapshotPages(rnd, pageSize, 12);
        LtxHeader header = LtxHeader.of(pageSize, 12, 1, 9, 1_700_000_000_123L).withWal(32, 12 * (pageSize + 24L), 7, 8);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LtxTrailer written;
        long size;
        try (LtxEncoder enc = new LtxEncoder(out, header, encoding)) {
            for (var e : pages.entrySet()) {
                enc.writePage(e.getKey(), e.getValue());
            }
            written = enc.finish();
            size = enc.size();
        }
        byte[] file = out.toByteArray();
        assertThat(size).isEqualTo(file.length);

        try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(file), "snap.ltx")) {
            assertThat(dec.header()).isEqualTo(header);
            SortedMap<Integer, byte[]> read = new TreeMap<>();
            byte[] page = new byte[pageSize];
            for (int pgno; (pgno = dec.nextPage(page)) != 0; ) {
                read.put(pgno, page.clone());
            }
            assertThat(dec.finish()).isEqualTo(written);
            TestPages.assertSamePages(read, pages);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("encodingsAndPageSizes")
    void sparseIncrementalFileRoundTrips(PageEncoding encoding, int pageSize) throws IOException {
        Random rnd = new Random(pageSize + 5L * encoding.ordinal());
        SortedMap<Integer, byte[]> pages = new TreeMap<>();
        for (int pgno : new int[] {2, 3, 17, 40, 41, 999}) {
            pages.put(pgno, TestPages.varied(rnd, pgno, pageSize));
        }
        LtxHeader header = LtxHeader.of(pageSize, 1000, 10, 10, 42);
        byte[] file = TestPages.encode(header, encoding, pages);
        TestPages.assertSamePages(TestPages.decode(file, "inc.ltx"), pages);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("encodingsAndPageSizes")
    void compressionShrinksCompressiblePagesAndBoundsRandomOnes(PageEncoding encoding, int pageSize) throws IOException {
        SortedMap<Integer, byte[]> zeros = new TreeMap<>();
        SortedMap<Integer, byte[]> random = new TreeMap<>();
        Random rnd = new Random(1);
        for (int pgno = 1; pgno <= 8; pgno++) {
            zeros.put(pgno, new byte[pageSize]);
            random.put(pgno, TestPages.incompressible(rnd, pageSize));
        }
        LtxHeader header = LtxHeader.of(pageSize, 8, 1, 1, 0);
        byte[] small = TestPages.encode(header, encoding, zeros);
        byte[] big = TestPages.encode(header, encoding, random);
        assertThat(small.length).isLessThan(big.length / 2);
        // Random pages cost at most the LZ4 bound plus frame overhead each.
        assertThat(big.length).isBetween(8 * pageSize, 8 * (Lz4.maxCompressedLength(pageSize) + 40) + 200);
        TestPages.assertSamePages(TestPages.decode(small, "zeros.ltx"), zeros);
        TestPages.assertSamePages(TestPages.decode(big, "random.ltx"), random);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("encodingsAndPageSizes")
    void decodesFromAStreamThatReturnsOneByteAtATime(PageEncoding encoding, int pageSize) throws IOException {
        SortedMap<Integer, byte[]> pages = TestPages.snapshotPages(new Random(3), pageSize, 4);
        byte[] file = TestPages.encode(LtxHeader.of(pageSize, 4, 1, 2, 0), encoding, pages);
        try (LtxDecoder dec = new LtxDecoder(new Trickle(new ByteArrayInputStream(file)), "trickle.ltx")) {
            byte[] page = new byte[pageSize];
            int count = 0;
            while (dec.nextPage(page) != 0) {
                count++;
            }
            dec.finish();
            assertThat(count).isEqualTo(4);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("encodingsAndPageSizes")
    void finishAloneVerifiesAllPages(PageEncoding encoding, int pageSize) throws IOException {
        SortedMap<Integer, byte[]> pages = TestPages.snapshotPages(new Random(9), pageSize, 5);
        byte[] file = TestPages.encode(LtxHeader.of(pageSize, 5, 1, 1, 0), encoding, pages);
        try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(file), "skip.ltx")) {
            assertThat(dec.finish().fileChecksum()).isNegative();
            assertThat(dec.nextPage(new byte[pageSize])).isZero();
        }
    }

    /** Returns at most one byte per read, as a slow network stream may. */
    static final class Trickle extends FilterInputStream {
        Trickle(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1));
        }
    }
}
