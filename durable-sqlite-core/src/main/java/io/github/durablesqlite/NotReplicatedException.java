package io.github.durablesqlite;

import java.sql.SQLException;

/**
 * A commit that durable-sqlite could not acknowledge: in {@link Durability#SYNC} mode the replica
 * did not confirm it within the commit timeout, or replication was further behind than the max
 * lag. A {@link SQLException}, so JDBC code and Spring's exception translation see a failed commit.
 */
public final class NotReplicatedException extends SQLException {
    private static final long serialVersionUID = 1L;
    /** Not a connection error (class 08): pools keep the connection. */
    private static final String SQL_STATE = "HYT00";

    private final boolean committedLocally;

    public NotReplicatedException(String message, boolean committedLocally) {
        super(message, SQL_STATE);
        this.committedLocally = committedLocally;
    }

    /**
     * True when the change is in the local database and will reach the replica once it can (the
     * caller was only never told it is durable); false when the commit was refused and rolled back.
     */
    public boolean committedLocally() {
        return committedLocally;
    }
}
