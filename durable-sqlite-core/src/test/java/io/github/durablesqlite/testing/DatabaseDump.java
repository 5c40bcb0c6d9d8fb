package io.github.durablesqlite.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** A deterministic text form of a database's schema and rows, for comparing two databases. */
public final class DatabaseDump {
    private DatabaseDump() {}

    public static String of(Path db) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            return of(connection);
        }
    }

    public static String of(Connection connection) throws SQLException {
        StringBuilder out = new StringBuilder();
        List<String> tables = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(
                     "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")) {
            while (rs.next()) {
                out.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(": ")
                        .append(rs.getString(3)).append('\n');
                if ("table".equals(rs.getString(1))) {
                    tables.add(rs.getString(2));
                }
            }
        }
        for (String table : tables) {
            out.append("-- ").append(table).append('\n');
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT * FROM \"" + table + "\" ORDER BY rowid")) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        Object value = rs.getObject(i);
                        out.append(i > 1 ? "|" : "").append(value instanceof byte[] bytes
                                ? "x'" + HexFormat.of().formatHex(bytes) + "'" : String.valueOf(value));
                    }
                    out.append('\n');
                }
            }
        }
        return out.toString();
    }

    public static String integrityCheck(Path db) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("PRAGMA integrity_check")) {
            StringBuilder result = new StringBuilder();
            while (rs.next()) {
                result.append(result.length() > 0 ? "; " : "").append(rs.getString(1));
            }
            return result.toString();
        }
    }
}
