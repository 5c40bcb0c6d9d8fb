package io.github.durablesqlite.replication;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Holds a read transaction on the database so that nobody can checkpoint past, or restart the WAL
 * over, frames the replicator has not read yet.
 *
 * <p>Two connections take turns: {@link #renew()} opens a read transaction on the idle one before
 * it ends the other's, so the WAL is never left unpinned. While a pin is held, SQLite can restart
 * the WAL only if every frame was already checkpointed, and checkpoints cannot pass the pin's mark;
 * because the pin is always renewed before the WAL is scanned, a restart seen by the next scan means
 * the previous WAL generation ended exactly where the previous scan stopped.
 */
final class ReadPin implements AutoCloseable {
    private final Connection[] connections = new Connection[2];
    private int active = -1;

    ReadPin(Path db, Duration busyTimeout) throws SQLException {
        try {
            for (int i = 0; i < 2; i++) {
                connections[i] = SqliteConnections.open(db, busyTimeout);
                connections[i].setAutoCommit(false);
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    /** Starts a read transaction at the current end of the WAL, then ends the previous one. */
    void renew() throws SQLException {
        int next = active == 0 ? 1 : 0;
        begin(connections[next]);
        if (active >= 0) {
            connections[active].rollback();
        }
        active = next;
    }

    /** Ends the read transaction; the caller must hold the write lock while the WAL is unpinned. */
    void release() throws SQLException {
        if (active >= 0) {
            connections[active].rollback();
            active = -1;
        }
    }

    private static void begin(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM sqlite_schema")) {
            rs.next();
        }
    }

    @Override
    public void close() {
        for (Connection connection : connections) {
            if (connection != null) {
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // closing anyway
                }
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // nothing more to release
                }
            }
        }
        active = -1;
    }
}
