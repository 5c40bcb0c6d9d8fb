package io.github.durablesqlite.wal;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The committed frames found by one {@link WalReader#scan}: which pages changed, where their
 * newest data lies in the WAL, and the position to resume from next time. Immutable.
 *
 * <p>The range {@code [start().offset(), end().offset())} holds whole transactions only: frames of
 * a trailing transaction without its commit frame are left out, so resuming at {@link #end()}
 * re-reads them once they are committed.
 */
public final class WalScan {
    private final WalHeader header;
    private final WalPosition start;
    private final WalPosition end;
    private final boolean restarted;
    private final int commitSize;
    private final int transactions;
    private final NavigableMap<Integer, Long> pages;

    WalScan(WalHeader header, WalPosition start, WalPosition end, boolean restarted,
            int commitSize, int transactions, TreeMap<Integer, Long> pages) {
        this.header = header;
        this.start = start;
        this.end = end;
        this.restarted = restarted;
        this.commitSize = commitSize;
        this.transactions = transactions;
        this.pages = Collections.unmodifiableNavigableMap(pages);
    }

    /** The WAL header the scan was made under. */
    public WalHeader header() {
        return header;
    }

    /** Where the scan began: the position asked for, or the first frame if there was none or the WAL restarted. */
    public WalPosition start() {
        return start;
    }

    /** Just after the last commit frame found; equals {@link #start()} if no transaction was committed. */
    public WalPosition end() {
        return end;
    }

    /**
     * Whether the position asked for belongs to an older WAL generation (its salts differ from the
     * header's): SQLite restarted the WAL, or the file was deleted and created anew, so the scan
     * began at the first frame. Frames between the old position and the restart were never seen by
     * this reader; a replicator must treat this as a discontinuity.
     */
    public boolean restarted() {
        return restarted;
    }

    /** The database size in pages after the last transaction of this scan; 0 if there was none. */
    public int commitSize() {
        return commitSize;
    }

    /** The number of committed transactions (commit frames) in the scan. */
    public int transactions() {
        return transactions;
    }

    /**
     * Page number to the file offset of the page data (frame offset + 24) of that page's newest
     * frame in {@code [start, end)}, ascending by page number.
     *
     * <p>If a later transaction shrank the database (VACUUM, auto-vacuum), this may hold pages
     * above {@link #commitSize()}; {@link #livePages()} leaves those out.
     */
    public NavigableMap<Integer, Long> pages() {
        return pages;
    }

    /** {@link #pages()} without pages beyond {@link #commitSize()}: exactly what a copy of the database needs. */
    public NavigableMap<Integer, Long> livePages() {
        return pages.headMap(commitSize, true);
    }

    /** Whether the scan found no committed transaction. */
    public boolean isEmpty() {
        return transactions == 0;
    }

    /** The number of frames in {@code [start, end)}. */
    public long frameCount() {
        return length() / header.frameSize();
    }

    /** The number of WAL bytes in {@code [start, end)}. */
    public long length() {
        return end.offset() - start.offset();
    }

    @Override
    public String toString() {
        return "WalScan[salts=" + Integer.toHexString(header.salt1()) + "/" + Integer.toHexString(header.salt2())
                + ", " + start.offset() + ".." + end.offset() + ", transactions=" + transactions
                + ", frames=" + frameCount() + ", pages=" + pages.size() + ", commitSize=" + commitSize
                + (restarted ? ", restarted" : "") + "]";
    }
}
