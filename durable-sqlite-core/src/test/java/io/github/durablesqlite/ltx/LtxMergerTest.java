package io.github.durablesqlite.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LtxMergerTest {

    private static final int PAGE = 512;

    /** One input file: its header and pages, encoded on demand. */
    private record Input(LtxHeader header, SortedMap<Integer, byte[]> pages, PageEncoding encoding) {
        Input(LtxHeader header, SortedMap<Integer, byte[]> pages) {
            this(header, pages, PageEncoding.BLOCK);
        }

        LtxDecoder open() throws IOException {
            byte[] file = TestPages.encode(header, encoding, pages);
            return new LtxDecoder(new ByteArrayInputStream(file), header.fileName());
        }
    }

    private static SortedMap<Integer, byte[]> pages(int... pgnosAndTags) {
        SortedMap<Integer, byte[]> pages = new TreeMap<>();
        for (int i = 0; i < pgnosAndTags.length; i += 2) {
            byte[] page = TestPages.compressible(pgnosAndTags[i + 1], PAGE);
            PageFrameWriter.putInt(page, 8, pgnosAndTags[i]);
            pages.put(pgnosAndTags[i], page);
        }
        return pages;
    }

    private static List<LtxDecoder> open(List<Input> inputs) throws IOException {
        List<LtxDecoder> decoders = new ArrayList<>();
        for (Input in : inputs) {
            decoders.add(in.open());
        }
        return decoders;
    }

    /** Merges into a real encoder and decodes the result, so the output is proven a valid file. */
    private static SortedMap<Integer, byte[]> mergeToFile(List<Input> inputs, LtxHeader[] header) throws IOException {
        List<LtxDecoder> decoders = open(inputs);
        LtxHeader merged = LtxMerger.mergedHeader(decoders.stream().map(LtxDecoder::header).toList());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LtxEncoder enc = new LtxEncoder(out, merged, PageEncoding.FRAME)) {
            header[0] = LtxMerger.merge(decoders, enc);
            enc.finish();
        }
        assertThat(header[0]).isEqualTo(merged);
        return TestPages.decode(out.toByteArray(), "merged.ltx");
    }

    /** What applying the inputs in order to an empty database yields. */
    private static SortedMap<Integer, byte[]> model(List<Input> inputs) {
        SortedMap<Integer, byte[]> db = new TreeMap<>();
        for (Input in : inputs) {
            db.putAll(in.pages());
            db.keySet().removeIf(p -> p > in.header().commit());
        }
        return db;
    }

    @Test
    void newestPageWins() throws IOException {
        List<Input> inputs = List.of(
                new Input(LtxHeader.of(PAGE, 4, 1, 1, 100), pages(1, 10, 2, 10, 3, 10, 4, 10)),
                new Input(LtxHeader.of(PAGE, 4, 2, 3, 200), pages(2, 20, 4, 20), PageEncoding.FRAME),
                new Input(LtxHeader.of(PAGE, 5, 4, 4, 300).withWal(32, 1000, 1, 2), pages(4, 30, 5, 30)));
        LtxHeader[] header = new LtxHeader[1];
        SortedMap<Integer, byte[]> merged = mergeToFile(inputs, header);
        TestPages.assertSamePages(merged, model(inputs));
        assertThat(merged.get(4)).isEqualTo(inputs.get(2).pages().get(4));
        assertThat(merged.get(2)).isEqualTo(inputs.get(1).pages().get(2));
        assertThat(header[0]).isEqualTo(LtxHeader.of(PAGE, 5, 1, 4, 300));
    }

    @Test
    void pagesBeyondTheFinalCommitAreDropped() throws IOException {
        List<Input> inputs = List.of(
                new Input(LtxHeader.of(PAGE, 6, 7, 7, 1), pages(2, 1, 5, 1, 6, 1)),
                new Input(LtxHeader.of(PAGE, 3, 8, 8, 2), pages(1, 2)), // database shrank to 3 pages
                new Input(LtxHeader.of(PAGE, 4, 9, 9, 3), pages(4, 3))); // and grew to 4
        LtxHeader[] header = new LtxHeader[1];
        SortedMap<Integer, byte[]> merged = mergeToFile(inputs, header);
        assertThat(merged.keySet()).containsExactly(1, 2, 4);
        TestPages.assertSamePages(merged, model(inputs));
        assertThat(header[0].commit()).isEqualTo(4);
    }

    @Test
    void snapshotPlusIncrementsMergesIntoACompleteSnapshot() throws IOException {
        Random rnd = new Random(3);
        List<Input> inputs = List.of(
                new Input(LtxHeader.of(PAGE, 5, 1, 10, 1), TestPages.snapshotPages(rnd, PAGE, 5)),
                new Input(LtxHeader.of(PAGE, 7, 11, 11, 2), pages(3, 11, 6, 11, 7, 11)));
        LtxHeader[] header = new LtxHeader[1];
        SortedMap<Integer, byte[]> merged = mergeToFile(inputs, header);
        assertThat(header[0].isSnapshot()).isTrue();
        assertThat(merged.keySet()).containsExactly(1, 2, 3, 4, 5, 6, 7);
        TestPages.assertSamePages(merged, model(inputs));
    }

    @Test
    void singleInputPassesThrough() throws IOException {
        Input only = new Input(LtxHeader.of(PAGE, 9, 5, 8, 77).withWal(32, 99, 3, 4), pages(3, 1, 9, 1));
        LtxHeader[] header = new LtxHeader[1];
        TestPages.assertSamePages(mergeToFile(List.of(only), header), only.pages());
        assertThat(header[0]).isEqualTo(LtxHeader.of(PAGE, 9, 5, 8, 77)); // WAL position dropped
    }

    @Test
    void manyInputsAgreeWithApplyingThemInOrder() throws IOException {
        Random rnd = new Random(99);
        List<Input> inputs = new ArrayList<>();
        long txid = 1;
        int commit = 60;
        inputs.add(new Input(LtxHeader.of(PAGE, commit, txid, txid, 0), TestPages.snapshotPages(rnd, PAGE, commit)));
        for (int i = 1; i < 64; i++) {
            commit = Math.max(1, commit + rnd.nextInt(11) - 5);
            SortedMap<Integer, byte[]> pages = new TreeMap<>();
            for (int n = rnd.nextInt(8); n >= 0; n--) {
                int pgno = 1 + rnd.nextInt(commit);
                pages.put(pgno, TestPages.varied(rnd, pgno, PAGE));
            }
            // Pages that come into existence must be written by the transaction that adds them.
            int previousCommit = inputs.get(i - 1).header().commit();
            for (int pgno = previousCommit + 1; pgno <= commit; pgno++) {
                pages.put(pgno, TestPages.varied(rnd, pgno, PAGE));
            }
            long span = 1 + rnd.nextInt(3);
            inputs.add(new Input(LtxHeader.of(PAGE, commit, txid + 1, txid + span, i), pages,
                    rnd.nextBoolean() ? PageEncoding.BLOCK : PageEncoding.FRAME));
            txid += span;
        }
        LtxHeader[] header = new LtxHeader[1];
        TestPages.assertSamePages(mergeToFile(inputs, header), model(inputs));
        assertThat(header[0].minTxid()).isEqualTo(1);
        assertThat(header[0].maxTxid()).isEqualTo(txid);
        assertThat(header[0].commit()).isEqualTo(commit);
    }

    @Test
    void overlappingInputsMergeToTheNewestState() throws IOException {
        // A snapshot of TXIDs 1-4, then a compacted file of TXIDs 3-6 that overlaps it.
        Input snapshot = new Input(LtxHeader.of(PAGE, 3, 1, 4, 0), pages(1, 4, 2, 3, 3, 1));
        Input compacted = new Input(LtxHeader.of(PAGE, 3, 3, 6, 0), pages(2, 3, 3, 6));
        LtxHeader[] header = new LtxHeader[1];
        SortedMap<Integer, byte[]> merged = mergeToFile(List.of(snapshot, compacted), header);
        TestPages.assertSamePages(merged, model(List.of(snapshot, compacted)));
        assertThat(header[0].minTxid()).isEqualTo(1);
        assertThat(header[0].maxTxid()).isEqualTo(6);
    }

    @Test
    void rejectsGapsOverlapsMixedPageSizesAndNothing() {
        LtxHeader a = LtxHeader.of(PAGE, 3, 1, 4, 0);
        assertThatThrownBy(() -> LtxMerger.mergedHeader(List.of(a, LtxHeader.of(PAGE, 3, 6, 6, 0))))
                .isInstanceOf(LtxFormatException.class)
                .hasMessageContaining("0000000000000006-0000000000000006.ltx")
                .hasMessageContaining("do not follow 0000000000000001-0000000000000004.ltx")
                .hasMessageContaining("expected min TXID 0000000000000005 or lower");
        assertThatThrownBy(() -> LtxMerger.mergedHeader(List.of(a, LtxHeader.of(PAGE, 3, 2, 4, 0))))
                .isInstanceOf(LtxFormatException.class).hasMessageContaining("max TXID above 0000000000000004");
        assertThatThrownBy(() -> LtxMerger.mergedHeader(List.of(a, LtxHeader.of(1024, 3, 5, 6, 0))))
                .isInstanceOf(LtxFormatException.class)
                .hasMessageContaining("page size 1024 differs from page size 512 of 0000000000000001-0000000000000004.ltx");
        assertThatThrownBy(() -> LtxMerger.mergedHeader(List.of()))
                .isInstanceOf(LtxFormatException.class).hasMessageContaining("nothing to merge");
    }

    @Test
    void mergeNamesDecodersByTheirNamesAndReadsNothingWhenRejecting() throws IOException {
        Input first = new Input(LtxHeader.of(PAGE, 2, 1, 1, 0), pages(1, 1, 2, 1));
        Input gap = new Input(LtxHeader.of(PAGE, 2, 3, 3, 0), pages(2, 3));
        List<LtxDecoder> decoders = open(List.of(first, gap));
        List<Integer> written = new ArrayList<>();
        assertThatThrownBy(() -> LtxMerger.merge(decoders, (pgno, page) -> written.add(pgno)))
                .isInstanceOf(LtxFormatException.class)
                .hasMessageStartingWith("invalid LTX file 0000000000000003-0000000000000003.ltx");
        assertThat(written).isEmpty();
    }

    @Test
    void mergeVerifiesEveryInputsChecksum() throws IOException {
        byte[] good = TestPages.encode(LtxHeader.of(PAGE, 2, 1, 1, 0), PageEncoding.BLOCK, pages(1, 1, 2, 1));
        byte[] bad = TestPages.encode(LtxHeader.of(PAGE, 2, 2, 2, 0), PageEncoding.BLOCK, pages(2, 2));
        bad[bad.length - 1] ^= 1;
        List<LtxDecoder> decoders = List.of(
                new LtxDecoder(new ByteArrayInputStream(good), "good.ltx"),
                new LtxDecoder(new ByteArrayInputStream(bad), "bad.ltx"));
        Map<Integer, byte[]> sink = new TreeMap<>();
        assertThatThrownBy(() -> LtxMerger.merge(decoders, (pgno, page) -> sink.put(pgno, page.clone())))
                .isInstanceOf(LtxFormatException.class)
                .hasMessageContaining("bad.ltx")
                .hasMessageContaining("file checksum mismatch");
        assertThat(sink).containsOnlyKeys(1, 2); // the pages came first; the checksum failed after them
    }
}
