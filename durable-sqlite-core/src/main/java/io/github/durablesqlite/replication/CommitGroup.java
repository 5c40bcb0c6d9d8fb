package io.github.durablesqlite.replication;

import java.util.concurrent.TimeUnit;

/**
 * The callers waiting for durability whose commits one sync covers. They wait on this object, not
 * on a monitor shared by every waiter and the sync thread, and are woken once, together, when the
 * replica holds their file: with many writers on few cores, waking every waiter on every commit and
 * every upload cost more CPU than the commits themselves.
 */
final class CommitGroup {
    /** The sync that was to cover the group failed: its callers join the next group. */
    static final long RETRY = -2;
    /** Timed out, or the replicator closed before the replica confirmed the group. */
    static final long NOT_REPLICATED = -1;

    private boolean done;
    private long outcome;

    /** Ends the wait of every caller in the group with a TXID the replica holds, or RETRY / NOT_REPLICATED. */
    synchronized void complete(long value) {
        if (!done) {
            done = true;
            outcome = value;
            notifyAll();
        }
    }

    /** The outcome, or NOT_REPLICATED if {@code deadlineNanos} (a {@link System#nanoTime()}) passed first. */
    synchronized long await(long deadlineNanos) throws InterruptedException {
        while (!done) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return NOT_REPLICATED;
            }
            TimeUnit.NANOSECONDS.timedWait(this, remaining);
        }
        return outcome;
    }
}
