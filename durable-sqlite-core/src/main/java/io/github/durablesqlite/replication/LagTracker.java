package io.github.durablesqlite.replication;

import java.time.Instant;
import java.util.ArrayDeque;

/**
 * Remembers when the changes not yet in the replica were made, so lag is the age of the oldest
 * such change rather than the time since the last upload (which would call an idle hour followed
 * by one commit an hour of lag). A change is dated by its commit signal when one came, else by the
 * sync that staged it; both are within one signal spacing of the commit.
 */
final class LagTracker {
    private final ArrayDeque<Entry> staged = new ArrayDeque<>();
    // The first commit signal since the last sync that staged a file; null when none is waiting.
    private Instant unstagedSince;

    private record Entry(long txid, Instant since) {}

    /** A transaction committed in this process. */
    synchronized void committed(Instant now) {
        if (unstagedSince == null) {
            unstagedSince = now;
        }
    }

    /**
     * A sync that started at {@code syncStarted} finished; {@code stagedTxid} is the TXID it staged,
     * or 0 when it found nothing new. Signals older than the sync's start are covered by it either way:
     * what they announced is in this file or in an earlier one.
     */
    synchronized void synced(Instant syncStarted, long stagedTxid) {
        boolean covered = unstagedSince != null && !unstagedSince.isAfter(syncStarted);
        if (stagedTxid > 0) {
            // Without a signal before the sync, the change came from another process: dated by the sync.
            staged.addLast(new Entry(stagedTxid, covered ? unstagedSince : syncStarted));
        }
        if (covered) {
            unstagedSince = null;
        }
    }

    /** When the oldest change not in the replica (TXIDs above {@code uploadedTxid}) was made; null if none. */
    synchronized Instant oldestPending(long uploadedTxid) {
        while (!staged.isEmpty() && staged.peekFirst().txid() <= uploadedTxid) {
            staged.removeFirst();
        }
        Instant oldest = staged.isEmpty() ? null : staged.peekFirst().since();
        if (unstagedSince != null && (oldest == null || unstagedSince.isBefore(oldest))) {
            oldest = unstagedSince;
        }
        return oldest;
    }

    /** The lowest TXID not yet in the replica that is staged, or 0 when nothing staged is pending. */
    synchronized long oldestPendingTxid(long uploadedTxid) {
        oldestPending(uploadedTxid);
        return staged.isEmpty() ? 0 : staged.peekFirst().txid();
    }
}
