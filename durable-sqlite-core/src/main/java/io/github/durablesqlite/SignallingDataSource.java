package io.github.durablesqlite;

import java.sql.SQLException;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * The physical connections under the pool: each one tells the replicator when it commits. The
 * signal comes before SQLite writes the frames, so the replicator only wakes up; it reads the WAL
 * on its own thread once the commit has landed.
 */
final class SignallingDataSource extends SQLiteDataSource {
    private final Runnable onCommit;

    SignallingDataSource(SQLiteConfig config, String url, Runnable onCommit) {
        super(config);
        setUrl(url);
        this.onCommit = onCommit;
    }

    @Override
    public SQLiteConnection getConnection(String username, String password) throws SQLException {
        SQLiteConnection connection = super.getConnection(username, password);
        connection.addCommitListener(new SQLiteCommitListener() {
            @Override
            public void onCommit() {
                SignallingDataSource.this.onCommit.run();
            }

            @Override
            public void onRollback() {
                // nothing was written
            }
        });
        return connection;
    }
}
