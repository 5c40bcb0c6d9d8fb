package io.github.durablesqlite;

/** A restore could not produce a verified database. Nothing was left at the output path. */
public class RestoreException extends DurableSqliteException {
    public RestoreException(String message) {
        super(message);
    }

    public RestoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
