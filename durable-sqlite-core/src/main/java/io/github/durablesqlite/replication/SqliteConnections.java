package io.github.durablesqlite.replication;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.sqlite.BusyHandler;
import org.sqlite.SQLiteConfig;

/** Opens the replicator's own connections to the database: WAL mode, a busy timeout, no auto-checkpoint. */
final class SqliteConnections {
    private static final long POLL_NANOS = 250_000L;

    private SqliteConnections() {}

    static Connection open(Path db, Duration busyTimeout) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
        // The replicator decides when to checkpoint; SQLite must never do it behind its back.
        config.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, "0");
        return config.createConnection("jdbc:sqlite:" + db.toAbsolutePath());
    }

    /**
     * A connection that waits for SQLite's write lock by trying again every {@link #POLL_NANOS}, for
     * at most {@code busyTimeout}. The checkpoint takes the write lock from the application's
     * writers, and a busy writer frees it only for microseconds between two transactions: SQLite's
     * own wait sleeps up to 100 ms between attempts and almost never hits such a gap, so the sync
     * thread sat out the whole busy timeout (seconds of replication lag) before giving up.
     */
    static Connection openPolling(Path db, Duration busyTimeout) throws SQLException {
        Connection connection = open(db, busyTimeout);
        long limitNanos = busyTimeout.toNanos();
        BusyHandler.setHandler(connection, new BusyHandler() {
            private long startedNanos;

            @Override
            protected int callback(int previousAttempts) {
                long now = System.nanoTime();
                if (previousAttempts == 0) {
                    startedNanos = now;
                }
                if (now - startedNanos >= limitNanos) {
                    return 0;
                }
                LockSupport.parkNanos(POLL_NANOS);
                return Thread.currentThread().isInterrupted() ? 0 : 1;
            }
        });
        return connection;
    }
}
