package io.github.durablesqlite.ltx;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Merges a contiguous run of LTX files into the pages of one, the way Litestream compacts levels
 * and restores: for each page the newest file's copy wins, and pages beyond the final database
 * size are dropped. Inputs are streamed side by side, so memory is one page per input.
 */
public final class LtxMerger {

    private LtxMerger() {
    }

    /**
     * Header of the merge result: minTxid of the first, maxTxid/commit/timestamp of the last, page
     * size checked equal; WAL fields 0. Rejects an empty list, mixed page sizes, and inputs that do
     * not chain (input i must start at most at input i-1's maxTxid + 1 and end after it) with
     * {@link LtxFormatException} naming the files (by their Litestream file names, as headers carry
     * no other name). Inputs may overlap: a snapshot taken in the middle of a compacted file's range
     * is followed by that file, whose pages are the newest for every TXID it covers.
     */
    public static LtxHeader mergedHeader(List<LtxHeader> headers) throws LtxFormatException {
        List<String> names = new ArrayList<>(headers.size());
        for (LtxHeader h : headers) {
            names.add(h.fileName());
        }
        return mergedHeader(headers, names);
    }

    /**
     * k-way merge of decoders given in ascending TXID order (chained as {@link #mergedHeader(List)}
     * requires), none of them read past its header,
     * into {@code sink}, pages ascending: for
     * each page number the page from the newest input wins; pages above the last input's commit are
     * dropped; memory = O(k pages). After the pages, calls {@link LtxDecoder#finish()} on every input
     * so every checksum is verified. Returns {@link #mergedHeader(List)}. The decoders are not closed.
     */
    public static LtxHeader merge(List<LtxDecoder> inputs, PageSink sink) throws IOException {
        List<LtxHeader> headers = new ArrayList<>(inputs.size());
        List<String> names = new ArrayList<>(inputs.size());
        for (LtxDecoder d : inputs) {
            headers.add(d.header());
            names.add(d.name());
        }
        LtxHeader merged = mergedHeader(headers, names);
        mergePages(inputs, merged, sink);
        for (LtxDecoder d : inputs) {
            d.finish();
        }
        return merged;
    }

    private static LtxHeader mergedHeader(List<LtxHeader> headers, List<String> names) throws LtxFormatException {
        if (headers.isEmpty()) {
            throw new LtxFormatException("(empty list)", LtxFormatException.NO_OFFSET, "nothing to merge");
        }
        LtxHeader first = headers.get(0);
        for (int i = 1; i < headers.size(); i++) {
            LtxHeader prev = headers.get(i - 1);
            LtxHeader h = headers.get(i);
            if (h.pageSize() != first.pageSize()) {
                throw new LtxFormatException(names.get(i), LtxFormatException.NO_OFFSET, "page size "
                        + h.pageSize() + " differs from page size " + first.pageSize() + " of " + names.get(0));
            }
            if (Long.compareUnsigned(h.minTxid(), prev.maxTxid() + 1) > 0
                    || Long.compareUnsigned(h.maxTxid(), prev.maxTxid()) <= 0) {
                throw new LtxFormatException(names.get(i), LtxFormatException.NO_OFFSET, String.format(
                        "TXIDs %016x-%016x do not follow %s (%016x-%016x): expected min TXID %016x or lower "
                                + "and max TXID above %016x",
                        h.minTxid(), h.maxTxid(), names.get(i - 1), prev.minTxid(), prev.maxTxid(), prev.maxTxid() + 1,
                        prev.maxTxid()));
            }
        }
        LtxHeader last = headers.get(headers.size() - 1);
        return LtxHeader.of(first.pageSize(), last.commit(), first.minTxid(), last.maxTxid(), last.timestamp());
    }

    private static void mergePages(List<LtxDecoder> inputs, LtxHeader merged, PageSink sink) throws IOException {
        // Smallest page number first; for equal page numbers the newest input (highest index) first.
        PriorityQueue<Cursor> queue = new PriorityQueue<>(Math.max(1, inputs.size()),
                Comparator.comparingLong((Cursor c) -> Integer.toUnsignedLong(c.pgno)).thenComparingInt(c -> -c.rank));
        for (int i = 0; i < inputs.size(); i++) {
            Cursor c = new Cursor(inputs.get(i), i, merged.pageSize());
            if (c.advance()) {
                queue.add(c);
            }
        }
        long commit = Integer.toUnsignedLong(merged.commit());
        while (!queue.isEmpty()) {
            Cursor winner = queue.poll();
            int pgno = winner.pgno;
            if (Integer.toUnsignedLong(pgno) <= commit) {
                sink.writePage(pgno, winner.page);
            }
            // Older copies of the same page lose; move every input past this page number.
            List<Cursor> moved = new ArrayList<>();
            moved.add(winner);
            while (!queue.isEmpty() && queue.peek().pgno == pgno) {
                moved.add(queue.poll());
            }
            for (Cursor c : moved) {
                if (c.advance()) {
                    queue.add(c);
                }
            }
        }
    }

    /** One input's current page. */
    private static final class Cursor {
        final LtxDecoder decoder;
        final int rank;
        final byte[] page;
        int pgno;

        Cursor(LtxDecoder decoder, int rank, int pageSize) {
            this.decoder = decoder;
            this.rank = rank;
            this.page = new byte[pageSize];
        }

        boolean advance() throws IOException {
            pgno = decoder.nextPage(page);
            return pgno != 0;
        }
    }
}
