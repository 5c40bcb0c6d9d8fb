package io.github.durablesqlite;

/** What a new commit does while replication is further behind than the configured max lag. */
public enum MaxLagPolicy {
    /** Waits until the lag is back within bounds, at most the commit timeout, then fails. */
    WAIT,
    /** Fails at once with {@link NotReplicatedException}; the transaction is rolled back. */
    FAIL
}
