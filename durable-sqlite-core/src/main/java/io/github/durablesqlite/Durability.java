package io.github.durablesqlite;

/** When a commit returns to its caller. */
public enum Durability {
    /**
     * As soon as SQLite has it in the local database; the replica follows within milliseconds
     * (a crash of the machine loses at most what was not yet uploaded, see {@link ReplicationStatus#lag}).
     */
    ASYNC,
    /**
     * Only once the replica holds it: a commit that returned survives the loss of the machine.
     * Concurrent commits share uploads. A commit the replica does not confirm within the commit
     * timeout fails with {@link NotReplicatedException}.
     */
    SYNC
}
