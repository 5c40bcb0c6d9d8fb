package io.github.durablesqlite.benchmarks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Builds a database of a given size in WAL mode: rows of about 1 KB, half random hex (compresses about 2:1).
 * Public for the JMH benchmarks, which take their pages from such a file.
 */
public final class SampleDatabase {
    private static final int ROW_BYTES = 1100;

    private SampleDatabase() {}

    public static void create(Path db, long bytes) throws SQLException {
        long rows = Math.max(1, bytes / ROW_BYTES);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute(Contender.TABLE);
            c.setAutoCommit(false);
            long done = 0;
            while (done < rows) {
                long batch = Math.min(50_000, rows - done);
                try (PreparedStatement insert = c.prepareStatement("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL "
                        + "SELECT x + 1 FROM n WHERE x < ?) INSERT INTO t(v) SELECT hex(randomblob(250)) || "
                        + "printf('%0500d', x) FROM n")) {
                    insert.setLong(1, batch);
                    insert.executeUpdate();
                }
                c.commit();
                done += batch;
            }
            c.setAutoCommit(true);
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    /** Single-row autocommit inserts and updates, {@code commits} of them, as fast as they go. */
    static void history(javax.sql.DataSource ds, int commits) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO t(v) VALUES (?)");
             PreparedStatement update = c.prepareStatement("UPDATE t SET v = ? WHERE id = ?")) {
            java.util.Random random = new java.util.Random(42);
            for (int i = 0; i < commits; i++) {
                if (i % 2 == 0) {
                    insert.setString(1, "history " + i);
                    insert.executeUpdate();
                } else {
                    update.setString(1, "updated " + i);
                    update.setLong(2, 1 + random.nextInt(1000));
                    update.executeUpdate();
                }
            }
        }
    }
}
