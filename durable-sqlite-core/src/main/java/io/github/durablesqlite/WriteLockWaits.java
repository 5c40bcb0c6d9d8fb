package io.github.durablesqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.sqlite.BusyHandler;

/**
 * How pooled connections wait for SQLite's write lock. SQLite's own busy handler sleeps 1, 2, 5,
 * ... up to 100 ms between attempts, so with many writers in one process most of them sleep long
 * after the lock was freed. Here, when a connection of this data source reports that its write
 * transaction ended, one waiter retries at once: only one can take the lock, and waking them all
 * (in sync mode a whole group of committers waits at the same moment) cost more CPU than the
 * commits. The others retry after at most {@link #MAX_STEP_NANOS}, for locks held elsewhere (another
 * process, the replicator's checkpoint) or taken by a newcomer first. The busy timeout still
 * bounds the whole wait.
 */
final class WriteLockWaits {
    private static final long MIN_STEP_NANOS = 50_000L;
    /** Steps double from the first: 50 µs, 100 µs, ... up to {@link #MAX_STEP_NANOS} (3.2 ms). */
    private static final int MAX_DOUBLINGS = 6;
    private static final long MAX_STEP_NANOS = MIN_STEP_NANOS << MAX_DOUBLINGS;

    private final long timeoutNanos;
    private final Object monitor = new Object();
    private long releases;

    WriteLockWaits(Duration busyTimeout) {
        this.timeoutNanos = busyTimeout.toNanos();
    }

    /** A write transaction on one of our connections ended: one waiter tries again now. */
    void released() {
        synchronized (monitor) {
            releases++;
            monitor.notify();
        }
    }

    /** Replaces the connection's busy timeout with this wait. */
    void install(Connection connection) throws SQLException {
        BusyHandler.setHandler(connection, new BusyHandler() {
            private long startedNanos;
            private long seenReleases;

            @Override
            protected int callback(int previousAttempts) {
                long now = System.nanoTime();
                if (previousAttempts == 0) {
                    startedNanos = now;
                }
                long remaining = timeoutNanos - (now - startedNanos);
                if (remaining <= 0) {
                    return 0; // give up: the statement fails with SQLITE_BUSY, as with busy_timeout
                }
                long step = Math.min(remaining, MIN_STEP_NANOS << Math.min(previousAttempts, MAX_DOUBLINGS));
                synchronized (monitor) {
                    if (releases == seenReleases) {
                        try {
                            monitor.wait(step / 1_000_000, (int) (step % 1_000_000));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return 0;
                        }
                    }
                    seenReleases = releases;
                }
                return 1;
            }
        });
    }
}
