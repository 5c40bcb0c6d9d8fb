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
import java.util.ArrayDeque;
import java.util.ArrayList;
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
    // Groups of committers waiting for a TXID, in TXID order (syncs hand them over as they stage).
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    // Files staged since the last look at the staging directory, so that an upload need not list it.
    private final ArrayDeque<Handed> handed = new ArrayDeque<>();
    // Whether the staging directory must be listed (at start and after a failure) rather than trusting handed.
    private boolean listStaging = true;
    private long uploadedTxid;
    // Up to where the replica confirmed uploads; ahead of uploadedTxid while a file is being bookkept.
    private long confirmedTxid;
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

    /** Wakes the uploader to look at the staging directory. */
    void wake() {
        synchronized (monitor) {
            pending = true;
            listStaging = true;
            monitor.notifyAll();
        }
    }

    /** A new file was staged (they are handed over in TXID order); its header holds {@code timestamp}. */
    void staged(Staging.StagedFile file, Instant timestamp) {
        synchronized (monitor) {
            handed.add(new Handed(file, timestamp));
            pending = true;
            monitor.notifyAll();
        }
    }

    void stop() {
        synchronized (monitor) {
            stopped = true;
            for (Waiting w : waiting) {
                w.group().complete(CommitGroup.NOT_REPLICATED);
            }
            waiting.clear();
            monitor.notifyAll();
        }
    }

    private record Waiting(long txid, CommitGroup group) {}

    private record Handed(Staging.StagedFile file, Instant timestamp) {}

    /** Completes {@code group} with {@code txid} once the replica holds it (at once if it does already). */
    void whenUploaded(long txid, CommitGroup group) {
        synchronized (monitor) {
            if (Math.max(confirmedTxid, uploadedTxid) >= txid) {
                group.complete(txid);
            } else if (stopped) {
                group.complete(CommitGroup.NOT_REPLICATED);
            } else {
                waiting.add(new Waiting(txid, group));
            }
        }
    }

    /** Up to where the replica holds every TXID (its local bookkeeping may still be under way). */
    long uploadedTxid() {
        synchronized (monitor) {
            return Math.max(confirmedTxid, uploadedTxid);
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
        List<Handed> files = new ArrayList<>();
        boolean list;
        synchronized (monitor) {
            list = listStaging;
            listStaging = false;
            files.addAll(handed);
            handed.clear();
        }
        if (list) {
            files.clear();
            for (Staging.StagedFile file : staging.pending()) {
                files.add(new Handed(file, null));
            }
        }
        try {
            uploadInOrder(files);
        } catch (IOException | RuntimeException e) {
            synchronized (monitor) {
                listStaging = true; // what is left is found again in the staging directory
            }
            throw e;
        }
    }

    private void uploadInOrder(List<Handed> files) throws IOException {
        for (Handed handedFile : files) {
            Staging.StagedFile file = handedFile.file();
            if (handedFile.timestamp() != null && file.maxTxid() <= uploadedTxid()) {
                continue; // also found by the listing that preceded its hand-over, and uploaded then
            }
            Instant timestamp = handedFile.timestamp() != null ? handedFile.timestamp() : timestampOf(file);
            long started = System.nanoTime();
            LtxFileInfo uploaded = client.writeFile(0, file.minTxid(), file.maxTxid(), file.path(), timestamp);
            confirmed(file.maxTxid());
            long size = Files.size(file.path());
            keepOrRemove(file, uploaded);
            published(file.maxTxid());
            metrics.uploaded(size, System.nanoTime() - started);
        }
    }

    /**
     * The replica holds everything up to {@code maxTxid}: committers waiting for it go on now, before
     * the local bookkeeping (a failure there retries the upload, which rewrites the same bytes).
     */
    private void confirmed(long maxTxid) {
        synchronized (monitor) {
            confirmedTxid = Math.max(confirmedTxid, maxTxid);
            while (!waiting.isEmpty() && waiting.peek().txid() <= confirmedTxid) {
                Waiting done = waiting.poll();
                done.group().complete(done.txid());
            }
        }
    }

    /** The file is uploaded and bookkept (in the index and the local cache): status and waiters see it now. */
    private void published(long maxTxid) {
        synchronized (monitor) {
            uploadedTxid = Math.max(uploadedTxid, maxTxid);
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

    private void keepOrRemove(Staging.StagedFile file, LtxFileInfo uploaded) throws IOException {
        if (keepUploaded) {
            // Kept locally until level 1 covers it, so compaction need not download it again.
            cache.keep(file);
        } else {
            staging.remove(file);
        }
        index.add(uploaded);
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
