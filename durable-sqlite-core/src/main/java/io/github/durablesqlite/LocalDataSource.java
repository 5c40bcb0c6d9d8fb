package io.github.durablesqlite;

import java.io.PrintWriter;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The parts of {@link DataSource} that mean nothing for a local SQLite file logged through SLF4J,
 * shared by the public data source and the one under its pool.
 */
abstract class LocalDataSource implements DataSource {

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
}
