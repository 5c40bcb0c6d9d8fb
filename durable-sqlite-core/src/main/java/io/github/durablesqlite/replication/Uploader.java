package io.github.durablesqlite.replication;

import io.github.durablesqlite.ltx.LtxDecoder;
import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships staged LTX files to the replica in TXID order on its own thread, retrying with exponential
 * backoff while the store is unreachable; a staged file leaves the staging directory only once its
 * upload succeeded, into the {@link LocalLtxCache} that level-1 compaction reads from.
 */
final class Uploader implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Uploader.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final String name;
    private final Staging staging;
    private final LocalLtxCache cache;
    private final boolean keepUploaded;
    private final ReplicaIndex index;
    private final ReplicaClient client;
    private final Clock clock;
    private final ReplicationMetrics metrics;
    private final Object monitor = new Object();
    private final Object uploadLock = new Object();
    private boolean pending;
    private boolean stopped;
    private long uploadedTxid;
    private Instant lastUploadAt;
    private String lastError;
    private int consecutiveFailures;

    /** With {@code cache} null, uploaded files are deleted at once (no compaction level would read them). */
    Uploader(String name, Staging staging, LocalLtxCache cache, ReplicaIndex index, ReplicaClient client, Clock clock,
             ReplicationMetrics metrics, long uploadedTxid) {
        this.name = name;
        this.staging = staging;
        this.cache = cache;
        this.keepUploaded = cache != null;
        this.index = index;
        this.client = client;
        this.clock = clock;
        this.metrics = metrics;
        this.uploadedTxid = uploadedTxid;
    }

    /** A new file was staged. */
    void wake() {
        synchronized (monitor) {
            pending = true;
            monitor.notifyAll();
        }
    }

    void stop() {
        synchronized (monitor) {
            stopped = true;
            monitor.notifyAll();
        }
    }

    long uploadedTxid() {
        synchronized (monitor) {
            return uploadedTxid;
        }
    }

    Instant lastUploadAt() {
        synchronized (monitor) {
            return lastUploadAt;
        }
    }

    String lastError() {
        synchronized (monitor) {
            return lastError;
        }
    }

    int consecutiveFailures() {
        synchronized (monitor) {
            return consecutiveFailures;
        }
    }

    /** Waits until every TXID up to {@code txid} is in the replica; false on timeout or stop. */
    boolean awaitUploaded(long txid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (uploadedTxid < txid) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || (stopped && !pending)) {
                    return uploadedTxid >= txid;
                }
                monitor.wait(Math.max(1, remaining / 1_000_000));
            }
            return true;
        }
    }

    @Override
    public void run() {
        Duration backoff = MIN_BACKOFF;
        while (true) {
            synchronized (monitor) {
                while (!pending && !stopped) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopped && !pending) {
                    return;
                }
                pending = false;
            }
            try {
                uploadPending();
                backoff = MIN_BACKOFF;
            } catch (IOException | RuntimeException e) {
                recordFailure(e);
                synchronized (monitor) {
                    if (stopped) {
                        monitor.notifyAll();
                        return;
                    }
                    pending = true;
                    try {
                        monitor.wait(backoff.toMillis());
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** Uploads everything staged, oldest first. Also called on the closing thread for the final upload. */
    void uploadPending() throws IOException {
        synchronized (uploadLock) {
            uploadAll();
        }
    }

    private void uploadAll() throws IOException {
        List<Staging.StagedFile> files = staging.pending();
        for (Staging.StagedFile file : files) {
            Instant timestamp = timestampOf(file);
            long started = System.nanoTime();
            LtxFileInfo uploaded = client.writeFile(0, file.minTxid(), file.maxTxid(), file.path(), timestamp);
            long size = Files.size(file.path());
            if (keepUploaded) {
                // Kept locally until level 1 covers it, so compaction need not download it again.
                cache.keep(file);
            } else {
                staging.remove(file);
            }
            index.add(uploaded);
            metrics.uploaded(size, System.nanoTime() - started);
            synchronized (monitor) {
                uploadedTxid = Math.max(uploadedTxid, file.maxTxid());
                lastUploadAt = clock.instant();
                if (consecutiveFailures > 0) {
                    log.info("{} - replica {} reachable again after {} failed upload attempts",
                            name, client.describe(), consecutiveFailures);
                }
                consecutiveFailures = 0;
                lastError = null;
                monitor.notifyAll();
            }
        }
    }

    private void recordFailure(Exception e) {
        metrics.uploadFailed();
        synchronized (monitor) {
            consecutiveFailures++;
            lastError = e.getMessage();
            log.warn("{} - upload to {} failed (attempt {}), will retry: {}",
                    name, client.describe(), consecutiveFailures, e.getMessage());
        }
    }

    private static Instant timestampOf(Staging.StagedFile file) throws IOException {
        try (InputStream in = Files.newInputStream(file.path());
             LtxDecoder decoder = new LtxDecoder(in, file.path().toString())) {
            return Instant.ofEpochMilli(decoder.header().timestamp());
        }
    }
}
