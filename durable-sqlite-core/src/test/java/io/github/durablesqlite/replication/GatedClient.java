package io.github.durablesqlite.replication;

import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A replica client that a test can hold at the n-th file it opens (to act while a restore is in
 * the middle of reading), make refuse uploads, and ask how often each file was written.
 */
final class GatedClient extends ForwardingReplicaClient {
    private final AtomicInteger opens = new AtomicInteger();
    private final Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();
    private volatile int holdAtOpen = -1;
    private volatile Thread owner;
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean refuseWrites;
    /** Files readers opened, and how many opens found the file gone. */
    final List<String> readerOpens = new java.util.concurrent.CopyOnWriteArrayList<>();
    final AtomicInteger readerMisses = new AtomicInteger();

    GatedClient(ReplicaClient delegate) {
        super(delegate);
    }

    /**
     * The {@code n}-th open (1-based) from now on by a reader (not the calling thread, not the
     * replicator's own threads) waits for {@link #release}.
     */
    void holdAtOpen(int n) {
        owner = Thread.currentThread();
        opens.set(0);
        holdAtOpen = n;
    }

    private boolean isReader() {
        Thread current = Thread.currentThread();
        return current != owner && !current.getName().startsWith("durable-sqlite");
    }

    int writes(int level, long minTxid, long maxTxid) {
        AtomicInteger count = writes.get(level + "/" + Staging.fileName(minTxid, maxTxid));
        return count == null ? 0 : count.get();
    }

    int writesAt(int level) {
        return writes.entrySet().stream().filter(e -> e.getKey().startsWith(level + "/"))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    @Override
    public InputStream openFile(int level, long minTxid, long maxTxid) throws IOException {
        if (holdAtOpen > 0 && isReader() && opens.incrementAndGet() == holdAtOpen) {
            held.countDown();
            try {
                if (!release.await(60, TimeUnit.SECONDS)) {
                    throw new IOException("test never released the held open");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        if (!isReader()) {
            return delegate.openFile(level, minTxid, maxTxid);
        }
        readerOpens.add(level + "/" + Staging.fileName(minTxid, maxTxid));
        try {
            return delegate.openFile(level, minTxid, maxTxid);
        } catch (java.nio.file.NoSuchFileException e) {
            readerMisses.incrementAndGet();
            throw e;
        }
    }

    @Override
    public LtxFileInfo writeFile(int level, long minTxid, long maxTxid, Path source, Instant timestamp)
            throws IOException {
        if (refuseWrites) {
            throw new IOException("store unreachable (test)");
        }
        writes.computeIfAbsent(level + "/" + Staging.fileName(minTxid, maxTxid), k -> new AtomicInteger())
                .incrementAndGet();
        return delegate.writeFile(level, minTxid, maxTxid, source, timestamp);
    }
}
