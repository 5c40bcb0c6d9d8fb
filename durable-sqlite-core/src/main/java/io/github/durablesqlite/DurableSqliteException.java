package io.github.durablesqlite;

/**
 * Root of the exceptions durable-sqlite throws. Messages say what failed, where, and how to fix it;
 * they never contain credentials.
 */
public class DurableSqliteException extends RuntimeException {
    public DurableSqliteException(String message) {
        super(message);
    }

    public DurableSqliteException(String message, Throwable cause) {
        super(message, cause);
    }
}
