package io.github.durablesqlite;

/**
 * Another instance holds the replica's lease, so this one refuses to replicate to it: the message
 * names the holder (host, pid, database), when its lease expires, and how to proceed.
 */
public class ReplicaLeaseException extends ReplicationException {
    public ReplicaLeaseException(String message) {
        super(message);
    }
}
