package io.github.durablesqlite.replication;

import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The replica as a lease holder may use it: reads pass, and every write or delete (uploads,
 * compaction, snapshots, retention) first checks that the lease is still held. One place fences
 * every part of the engine that changes the replica.
 */
final class FencedReplicaClient implements ReplicaClient {
    private final ReplicaClient delegate;
    private final ReplicaLease lease;

    FencedReplicaClient(ReplicaClient delegate, ReplicaLease lease) {
        this.delegate = delegate;
        this.lease = lease;
    }

    @Override
    public String type() {
        return delegate.type();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public List<LtxFileInfo> listFiles(int level, boolean withTimestamps) throws IOException {
        return delegate.listFiles(level, withTimestamps);
    }

    @Override
    public boolean listsExactTimestamps() {
        return delegate.listsExactTimestamps();
    }

    @Override
    public Instant readTimestamp(LtxFileInfo file) throws IOException {
        return delegate.readTimestamp(file);
    }

    @Override
    public InputStream openFile(int level, long minTxid, long maxTxid) throws IOException {
        return delegate.openFile(level, minTxid, maxTxid);
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

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
