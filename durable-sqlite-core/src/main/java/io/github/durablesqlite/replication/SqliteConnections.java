package io.github.durablesqlite.replication;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.sqlite.SQLiteConfig;

/** Opens the replicator's own connections to the database: WAL mode, a busy timeout, no auto-checkpoint. */
final class SqliteConnections {
    private SqliteConnections() {}

    static Connection open(Path db, Duration busyTimeout) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
        // The replicator decides when to checkpoint; SQLite must never do it behind its back.
        config.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, "0");
        return config.createConnection("jdbc:sqlite:" + db.toAbsolutePath());
    }
}
