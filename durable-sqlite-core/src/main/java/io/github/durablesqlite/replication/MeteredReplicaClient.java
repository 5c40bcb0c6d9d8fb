package io.github.durablesqlite.replication;

import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** Reports every call to the store, by operation and outcome, so request counts (and costs) are visible. */
public final class MeteredReplicaClient implements ReplicaClient {
    private final ReplicaClient delegate;
    private final ReplicationMetrics metrics;

    public MeteredReplicaClient(ReplicaClient delegate, ReplicationMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    private <T> T measure(String operation, Call<T> call) throws IOException {
        long started = System.nanoTime();
        try {
            T result = call.run();
            metrics.storeRequest(operation, "success", System.nanoTime() - started);
            return result;
        } catch (IOException | RuntimeException e) {
            metrics.storeRequest(operation, "error", System.nanoTime() - started);
            throw e;
        }
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
        return measure("list", () -> delegate.listFiles(level, withTimestamps));
    }

    @Override
    public InputStream openFile(int level, long minTxid, long maxTxid) throws IOException {
        return measure("open", () -> delegate.openFile(level, minTxid, maxTxid));
    }

    @Override
    public LtxFileInfo writeFile(int level, long minTxid, long maxTxid, Path source, Instant timestamp)
            throws IOException {
        return measure("write", () -> delegate.writeFile(level, minTxid, maxTxid, source, timestamp));
    }

    @Override
    public void deleteFiles(Collection<LtxFileInfo> files) throws IOException {
        measure("delete", () -> {
            delegate.deleteFiles(files);
            return null;
        });
    }

    @Override
    public void deleteAll() throws IOException {
        measure("delete", () -> {
            delegate.deleteAll();
            return null;
        });
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
