package io.github.durablesqlite.ltx;

/**
 * The rules for the sequence of page numbers in one file, shared by the encoder (which rejects a
 * bad sequence as misuse) and the decoder (which reports it as a corrupt file). Page numbers are
 * unsigned 32-bit values on disk, so they are compared as longs here.
 */
final class PageOrder {

    private final long commit;
    private final long lockPage;
    private final boolean snapshot;
    private long last; // 0 until the first page

    PageOrder(LtxHeader header) {
        this.commit = Integer.toUnsignedLong(header.commit());
        this.lockPage = header.lockPage();
        this.snapshot = header.isSnapshot();
    }

    /** Why {@code pgno} cannot come next, or {@code null} if it can. */
    String problem(int pgno) {
        long p = Integer.toUnsignedLong(pgno);
        if (p == 0) {
            return "page number 0";
        }
        if (p == lockPage) {
            return "page " + p + " is the SQLite lock page (the page at 1 GiB), which is never stored";
        }
        if (p > commit) {
            return "page " + p + " is beyond the database size (commit " + commit + ")";
        }
        if (p <= last) {
            return "page " + p + " follows page " + last + "; pages must be strictly ascending";
        }
        if (snapshot && p != expectedNext()) {
            return "snapshot is missing page " + expectedNext() + " (next page is " + p
                    + "); a snapshot holds every page from 1 to commit " + commit;
        }
        return null;
    }

    /** Records {@code pgno}, which {@link #problem(int)} has accepted. */
    void accept(int pgno) {
        last = Integer.toUnsignedLong(pgno);
    }

    /** Why the sequence cannot end here, or {@code null}: a snapshot must reach its commit. */
    String endProblem() {
        if (snapshot && expectedNext() <= commit) {
            return "snapshot ends after page " + last + " but commit is " + commit + "; pages "
                    + expectedNext() + ".." + commit + " are missing";
        }
        return null;
    }

    /** The last page accepted, 0 if none. */
    long last() {
        return last;
    }

    private long expectedNext() {
        long next = last + 1;
        return next == lockPage ? next + 1 : next;
    }
}
