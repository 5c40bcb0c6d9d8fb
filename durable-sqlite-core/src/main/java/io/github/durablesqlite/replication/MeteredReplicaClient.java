package io.github.durablesqlite.replication;

import io.github.durablesqlite.replica.LeaseStore;
import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reports every call to the store, by operation and outcome, so request counts (and costs) are
 * visible: to the metrics, and as running totals from {@link #requestCounts()}.
 */
public final class MeteredReplicaClient extends ForwardingReplicaClient {
    private final ReplicationMetrics metrics;
    private final Map<String, LongAdder> counts = new ConcurrentSkipListMap<>();

    public MeteredReplicaClient(ReplicaClient delegate, ReplicationMetrics metrics) {
        super(delegate);
        this.metrics = metrics;
    }

    /**
     * Calls made so far by operation ({@code list}, {@code open}, {@code head}, {@code write},
     * {@code delete}, and for the lease {@code lease-read}, {@code lease-write}, {@code lease-delete}),
     * failed ones included. A call is one request, except that a listing of more
     * than 1000 files on S3 pages through several, and a listing with timestamps adds a HEAD per file.
     */
    public Map<String, Long> requestCounts() {
        Map<String, Long> snapshot = new TreeMap<>();
        counts.forEach((operation, count) -> snapshot.put(operation, count.sum()));
        return snapshot;
    }

    /** Sum of {@link #requestCounts()}. */
    public long totalRequests() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    private <T> T measure(String operation, Call<T> call) throws IOException {
        long started = System.nanoTime();
        counts.computeIfAbsent(operation, k -> new LongAdder()).increment();
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
    public List<LtxFileInfo> listFiles(int level, boolean withTimestamps) throws IOException {
        return measure("list", () -> delegate.listFiles(level, withTimestamps));
    }

    @Override
    public List<LtxFileInfo> listAllFiles(int maxLevel, boolean withTimestamps) throws IOException {
        return measure("list", () -> delegate.listAllFiles(maxLevel, withTimestamps));
    }

    @Override
    public Instant readTimestamp(LtxFileInfo file) throws IOException {
        if (delegate.listsExactTimestamps()) {
            return delegate.readTimestamp(file); // a file's mtime: no request to count
        }
        return measure("head", () -> delegate.readTimestamp(file));
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

    /** The delegate's lease object, its requests counted as {@code lease-read}, {@code lease-write}, {@code lease-delete}. */
    @Override
    public LeaseStore leaseStore() {
        LeaseStore store = delegate.leaseStore();
        if (store == null) {
            return null;
        }
        return new LeaseStore() {
            @Override
            public String describe() {
                return store.describe();
            }

            @Override
            public Versioned read() throws IOException {
                return measure("lease-read", store::read);
            }

            @Override
            public String create(byte[] content) throws IOException {
                return measure("lease-write", () -> store.create(content));
            }

            @Override
            public String replace(byte[] content, String version) throws IOException {
                return measure("lease-write", () -> store.replace(content, version));
            }

            @Override
            public boolean delete(String version) throws IOException {
                return measure("lease-delete", () -> store.delete(version));
            }
        };
    }
}
