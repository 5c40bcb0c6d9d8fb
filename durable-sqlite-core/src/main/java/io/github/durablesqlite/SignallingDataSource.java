package io.github.durablesqlite;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
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
final class SignallingDataSource implements DataSource {
    private final SQLiteDataSource sqlite;
    private final Runnable onCommit;
    private final CommitGate gate;

    SignallingDataSource(SQLiteConfig config, String url, Runnable onCommit, CommitGate gate) {
        this.sqlite = new SQLiteDataSource(config);
        sqlite.setUrl(url);
        this.onCommit = onCommit;
        this.gate = gate;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(null, null);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        SQLiteConnection connection = sqlite.getConnection(username, password);
        GatedJdbc.Session session = gate.active() ? new GatedJdbc.Session(connection, gate) : null;
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
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // SLF4J is used for logging.
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // Connections are local files; there is nothing to time out on login.
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("durable-sqlite logs through SLF4J");
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
