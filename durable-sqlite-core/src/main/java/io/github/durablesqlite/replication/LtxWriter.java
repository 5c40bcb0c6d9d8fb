package io.github.durablesqlite.replication;

import io.github.durablesqlite.ltx.LtxEncoder;
import io.github.durablesqlite.ltx.LtxHeader;
import io.github.durablesqlite.ltx.PageEncoding;
import io.github.durablesqlite.wal.WalReader;
import io.github.durablesqlite.wal.WalScan;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/** Turns what a sync found into one LTX file: the pages of new WAL frames, or the whole database. */
final class LtxWriter {
    private final PageEncoding encoding;

    LtxWriter(PageEncoding encoding) {
        this.encoding = encoding;
    }

    /** Number of pages the file will hold, for accounting. */
    static int pageCount(WalScan scan) {
        return scan.livePages().size();
    }

    /** An incremental file: the newest committed version of every page the scan saw. */
    void writeIncrement(OutputStream out, long txid, long timestamp, WalScan scan, WalReader wal) throws IOException {
        int pageSize = scan.header().pageSize();
        int commit = scan.commitSize();
        LtxHeader header = LtxHeader.of(pageSize, commit, txid, txid, timestamp).withWal(
                scan.start().offset(), scan.end().offset() - scan.start().offset(),
                scan.header().salt1(), scan.header().salt2());
        byte[] page = new byte[pageSize];
        int lockPage = LtxHeader.lockPage(pageSize);
        try (LtxEncoder encoder = new LtxEncoder(out, header, encoding)) {
            // Pages above the final size were freed by a shrinking transaction in the same sync.
            for (Map.Entry<Integer, Long> entry : scan.livePages().entrySet()) {
                if (entry.getKey() == lockPage) {
                    continue;
                }
                wal.readPage(entry.getValue(), page);
                encoder.writePage(entry.getKey(), page);
            }
            encoder.finish();
        }
    }

    /**
     * A full copy of the database as of the end of {@code scan} (which must cover the WAL from its
     * header): pages from the WAL where it has them, else from the database file. The caller holds
     * a read transaction taken before the scan, so no checkpoint can change a page read here that
     * the WAL does not also hold.
     */
    void writeFull(OutputStream out, long txid, long timestamp, int pageSize, int commit,
                   WalScan scan, WalReader wal, DatabaseFile db) throws IOException {
        LtxHeader header = LtxHeader.of(pageSize, commit, txid, txid, timestamp);
        if (scan != null) {
            header = header.withWal(scan.start().offset(), scan.end().offset() - scan.start().offset(),
                    scan.header().salt1(), scan.header().salt2());
        }
        writeAllPages(out, header, scan, wal, db);
    }

    /**
     * A level-9 snapshot, TXIDs 1 to {@code txid}, of the same content as {@link #writeFull}. Its
     * WAL fields stay 0, as in Litestream's snapshots: it was not made from one stretch of the WAL.
     */
    LtxHeader writeSnapshot(OutputStream out, long txid, long timestamp, int pageSize, int commit,
                            WalScan scan, WalReader wal, DatabaseFile db) throws IOException {
        LtxHeader header = LtxHeader.of(pageSize, commit, 1, txid, timestamp);
        writeAllPages(out, header, scan, wal, db);
        return header;
    }

    private void writeAllPages(OutputStream out, LtxHeader header, WalScan scan, WalReader wal, DatabaseFile db)
            throws IOException {
        int pageSize = header.pageSize();
        int commit = header.commit();
        Map<Integer, Long> walPages = scan == null ? Map.of() : scan.pages();
        byte[] page = new byte[pageSize];
        int lockPage = LtxHeader.lockPage(pageSize);
        try (LtxEncoder encoder = new LtxEncoder(out, header, encoding)) {
            for (int pgno = 1; pgno <= commit; pgno++) {
                if (pgno == lockPage) {
                    continue;
                }
                Long offset = walPages.get(pgno);
                if (offset != null) {
                    wal.readPage(offset, page);
                } else {
                    db.readPage(pgno, page);
                }
                encoder.writePage(pgno, page);
            }
            encoder.finish();
        }
    }
}
