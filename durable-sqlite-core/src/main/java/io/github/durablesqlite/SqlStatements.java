package io.github.durablesqlite;

import java.util.Locale;
import java.util.regex.Pattern;

/** Tells statements that may write from those that only read, by their text, for max-lag backpressure. */
final class SqlStatements {
    private static final Pattern WRITE_IN_WITH = Pattern.compile("\\b(INSERT|UPDATE|DELETE|REPLACE)\\b");

    private SqlStatements() {}

    /**
     * True unless the statement surely only reads. Errs towards "writes": a statement held back that
     * did not need to be only waits; a write let through would break the max-lag promise.
     */
    static boolean mayWrite(String sql) {
        if (sql == null) {
            return true;
        }
        String text = stripLeadingComments(sql);
        int end = 0;
        while (end < text.length() && Character.isLetter(text.charAt(end))) {
            end++;
        }
        String first = text.substring(0, end).toUpperCase(Locale.ROOT);
        return switch (first) {
            case "SELECT", "EXPLAIN", "VALUES", "BEGIN", "ROLLBACK", "SAVEPOINT" -> false;
            case "PRAGMA" -> text.indexOf('=') >= 0 || text.indexOf('(') >= 0 && text.toUpperCase(Locale.ROOT)
                    .contains("CHECKPOINT");
            case "WITH" -> WRITE_IN_WITH.matcher(text.toUpperCase(Locale.ROOT)).find();
            default -> true;
        };
    }

    private static String stripLeadingComments(String sql) {
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (sql.startsWith("--", i)) {
                int newline = sql.indexOf('\n', i);
                i = newline < 0 ? sql.length() : newline + 1;
            } else if (sql.startsWith("/*", i)) {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? sql.length() : close + 2;
            } else {
                break;
            }
        }
        return sql.substring(i);
    }
}
