package io.github.durablesqlite.wal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Test helpers that touch database files only through SQLite itself. */
final class Sqlite {
    private Sqlite() {
    }

    /** A connection in WAL mode that never checkpoints on its own, so the WAL keeps every frame. */
    static Connection open(Path db) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        exec(c, "PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0");
        return c;
    }

    /** Creates a WAL-mode database with {@code pageSize}, runs {@code ddl}, and closes it (which checkpoints and removes the WAL). */
    static void create(Path db, int pageSize, String... ddl) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            exec(c, "PRAGMA page_size=" + pageSize, "PRAGMA journal_mode=WAL");
            exec(c, ddl);
        }
    }

    /** A prefix for a statement that needs rows {@code s(n)} with n = 1..count (generate_series is not compiled into sqlite-jdbc). */
    static String series(int count) {
        return "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < " + count + ") ";
    }

    static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    /**
     * Every table's rows, one line per row with a digest of each column, in a stable order:
     * equal dumps mean equal content.
     */
    static List<String> dump(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT name FROM sqlite_schema WHERE type='table' ORDER BY name")) {
            while (r.next()) {
                tables.add(r.getString(1));
            }
        }
        List<String> lines = new ArrayList<>();
        for (String table : tables) {
            lines.add("table " + table);
            List<String> rows = new ArrayList<>();
            // Sorted in Java rather than by rowid, so WITHOUT ROWID tables dump too.
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
                int columns = r.getMetaData().getColumnCount();
                while (r.next()) {
                    StringBuilder line = new StringBuilder();
                    for (int i = 1; i <= columns; i++) {
                        byte[] value = r.getBytes(i);
                        line.append(value == null ? "null" : value.length + ":" + sha256(value)).append(' ');
                    }
                    rows.add(line.toString());
                }
            }
            rows.sort(null);
            lines.addAll(rows);
        }
        return lines;
    }

    /** Opens a standalone database file (no WAL next to it) and dumps it. */
    static List<String> dump(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            return dump(c);
        }
    }

    static String integrityCheck(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            return queryString(c, "PRAGMA integrity_check");
        }
    }

    static Path walOf(Path db) {
        return db.resolveSibling(db.getFileName() + "-wal");
    }

    /** Copies a {@code -wal} file; reading it never disturbs SQLite's locks. */
    static byte[] readWal(Path db) throws java.io.IOException {
        return Files.readAllBytes(walOf(db));
    }

    private static String sha256(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
