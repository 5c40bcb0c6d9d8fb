package io.github.durablesqlite;

/** Replication could not start or continue. */
public class ReplicationException extends DurableSqliteException {
    public ReplicationException(String message) {
        super(message);
    }

    public ReplicationException(String message, Throwable cause) {
        super(message, cause);
    }
}
