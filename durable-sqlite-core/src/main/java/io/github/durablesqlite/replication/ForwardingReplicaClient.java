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
 * A replica client that passes every call to another, for decorators that change a few of them
 * (fencing, metering, tests). The lease object is not passed on: a decorator that offers it
 * decides how ({@link MeteredReplicaClient} counts its requests).
 */
abstract class ForwardingReplicaClient implements ReplicaClient {
    protected final ReplicaClient delegate;

    ForwardingReplicaClient(ReplicaClient delegate) {
        this.delegate = delegate;
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
    public List<LtxFileInfo> listAllFiles(int maxLevel, boolean withTimestamps) throws IOException {
        return delegate.listAllFiles(maxLevel, withTimestamps);
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
        return delegate.writeFile(level, minTxid, maxTxid, source, timestamp);
    }

    @Override
    public void deleteFiles(Collection<LtxFileInfo> files) throws IOException {
        delegate.deleteFiles(files);
    }

    @Override
    public void deleteAll() throws IOException {
        delegate.deleteAll();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
