package io.github.durablesqlite.replication;

import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;

/**
 * The replica as a lease holder may use it: reads pass, and every write or delete (uploads,
 * compaction, snapshots, retention) first checks that the lease is still held. One place fences
 * every part of the engine that changes the replica.
 */
final class FencedReplicaClient extends ForwardingReplicaClient {
    private final ReplicaLease lease;

    FencedReplicaClient(ReplicaClient delegate, ReplicaLease lease) {
        super(delegate);
        this.lease = lease;
    }

    @Override
    public LtxFileInfo writeFile(int level, long minTxid, long maxTxid, Path source, Instant timestamp)
            throws IOException {
        lease.ensureHeld();
        return delegate.writeFile(level, minTxid, maxTxid, source, timestamp);
    }

    @Override
    public void deleteFiles(Collection<LtxFileInfo> files) throws IOException {
        lease.ensureHeld();
        delegate.deleteFiles(files);
    }

    @Override
    public void deleteAll() throws IOException {
        lease.ensureHeld();
        delegate.deleteAll();
    }
}
