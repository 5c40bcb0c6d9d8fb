package io.github.durablesqlite;

import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * The physical connections under the pool: each one tells the replicator when it commits. The
 * signal comes before SQLite writes the frames, so the replicator only wakes up; it reads the WAL
 * on its own thread once the commit has landed. When the commit gate is active (sync mode, max
 * lag), connections are handed out wrapped so commits also pass through it.
 */
final class SignallingDataSource extends LocalDataSource {
    private final SQLiteDataSource sqlite;
    private final Runnable onCommit;
    private final CommitGate gate;
    private final WriteLockWaits lockWaits;

    SignallingDataSource(SQLiteConfig config, String url, Runnable onCommit, CommitGate gate,
                         WriteLockWaits lockWaits) {
        this.sqlite = new SQLiteDataSource(config);
        sqlite.setUrl(url);
        this.onCommit = onCommit;
        this.gate = gate;
        this.lockWaits = lockWaits;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(null, null);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        SQLiteConnection connection = sqlite.getConnection(username, password);
        lockWaits.install(connection);
        GatedJdbc.Session session = gate.active() ? new GatedJdbc.Session(connection, gate, lockWaits) : null;
        connection.addCommitListener(new SQLiteCommitListener() {
            @Override
            public void onCommit() {
                SignallingDataSource.this.onCommit.run();
                if (session != null) {
                    session.committed();
                }
            }

            @Override
            public void onRollback() {
                // nothing was written
            }
        });
        return session == null ? connection : GatedJdbc.wrap(session);
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return sqlite.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || sqlite.isWrapperFor(iface);
    }
}
