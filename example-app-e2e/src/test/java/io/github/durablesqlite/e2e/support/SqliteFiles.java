package io.github.durablesqlite.e2e.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/** Reads a database file directly with sqlite-jdbc, once the app that wrote it has stopped. */
public final class SqliteFiles {

    private SqliteFiles() {}

    /** {@code PRAGMA integrity_check}: "ok", or SQLite's list of problems. */
    public static String integrityCheck(Path db) throws SQLException {
        try (Connection connection = open(db); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("PRAGMA integrity_check")) {
            StringBuilder result = new StringBuilder();
            while (rows.next()) {
                result.append(result.length() == 0 ? "" : "\n").append(rows.getString(1));
            }
            return result.toString();
        }
    }

    /** Every note, id to text. */
    public static Map<Long, String> notes(Path db) throws SQLException {
        try (Connection connection = open(db); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id, text FROM notes")) {
            Map<Long, String> notes = new HashMap<>();
            while (rows.next()) {
                notes.put(rows.getLong(1), rows.getString(2));
            }
            return notes;
        }
    }

    private static Connection open(Path db) throws SQLException {
        if (!db.toFile().isFile()) {
            throw new SQLException("no database file at " + db);
        }
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }
}
