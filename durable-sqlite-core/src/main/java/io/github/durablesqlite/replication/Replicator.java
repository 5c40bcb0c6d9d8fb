package io.github.durablesqlite.replication;

import io.github.durablesqlite.ReplicaLeaseException;
import io.github.durablesqlite.ReplicationException;
import io.github.durablesqlite.ReplicationStatus;
import io.github.durablesqlite.Verification;
import io.github.durablesqlite.ltx.LtxHeader;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.wal.WalPosition;
import io.github.durablesqlite.wal.WalReader;
import io.github.durablesqlite.wal.WalScan;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one database's WAL to a replica: after every commit signal, and on an interval for
 * writers in other processes, it reads the newly committed frames, stages them as one L0 LTX file
 * with the next TXID, and hands the file to the {@link Uploader}. It checkpoints only frames it has
 * shipped, and writes a full copy of the database whenever it cannot prove the TXID chain continues.
 */
public final class Replicator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Replicator.class);
    /**
     * When a signalled sync found no new frames, it looks again after these pauses (about a second in
     * all): the commit hook fires before SQLite writes the frames, and on a busy disk the write can
     * come a hundred milliseconds later. Giving up sooner left such a commit to the next timed sync,
     * up to a sync interval later. A new signal ends the retries and is served by the sync loop (with
     * its spacing): otherwise a signal whose commit a timed sync had already shipped kept the thread
     * retrying for a second, and the next commit waited for a retry step, later and later each second.
     * Retries do not shorten the pauses either, so a long transaction's uncommitted tail, signalled on
     * every frame write by a process watching the WAL from outside, is not read again and again.
     */
    private static final long[] SIGNAL_RETRY_MILLIS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
    /** Longest a sync waits for the upload under way before staging for callers that wait for durability. */
    private static final Duration GROUP_WAIT_LIMIT = Duration.ofMillis(500);
    /** {@link #awaitReplicated}: the timeout passed, or the replicator closed. */
    public static final long NOT_REPLICATED = CommitGroup.NOT_REPLICATED;
    /** {@link #awaitReplicated}: another instance took over the replica's lease. */
    public static final long LEASE_LOST = -3;
    /** How often a caller waiting for the replica checks that the lease is still held. */
    private static final long LEASE_CHECK_NANOS = 100_000_000L;
    /** Longest pause between two commits of a released group that still counts as it coming back. */
    private static final long GATHER_GAP_NANOS = 2_000_000L;
    /** Longest a sync waits for a released group to commit again. */
    private static final long GATHER_LIMIT_NANOS = 20_000_000L;

    private final Path db;
    private final ReplicaClient client;
    private final ReplicationOptions options;
    private final Path stateDir;
    private final ReplicaLease lease;
    private volatile ReplicaLeaseException leaseRefused;
    private final Object syncLock = new Object();
    private final Object signalMonitor = new Object();
    private final Object joinLock = new Object();

    private Connection control;
    private Connection checkpointer;
    private ReadPin pin;
    private DatabaseFile dbFile;
    private WalReader wal;
    private Staging staging;
    private LtxWriter writer;
    private volatile Uploader uploader;
    private LocalLtxCache cache;
    private ReplicaIndex index;
    private volatile HistoryKeeper history;
    private final ReadLeases leases = new ReadLeases();
    private final LagTracker lag = new LagTracker();
    private final SnapshotSource snapshotSource = new SnapshotSource() {
        @Override
        public long currentTxid() {
            synchronized (syncLock) {
                return txid;
            }
        }

        @Override
        public LtxHeader writeSnapshot(OutputStream out) throws IOException {
            return Replicator.this.writeSnapshot(out);
        }
    };
    private Thread syncThread;
    private Thread uploadThread;

    // Guarded by syncLock.
    private long txid;
    private WalPosition position;
    private boolean needFull;
    private int pageSize;
    // Where the last complete checkpoint left the WAL: until a writer restarts it, checkpointing
    // again would copy nothing, so an idle database is not checkpointed over and over.
    private WalPosition checkpointedAt;

    // Guarded by signalMonitor.
    private boolean signalled;
    // Whether the first commit signal since the last sync came after a pause in commits; then it is
    // shipped at once instead of waiting for the spacing.
    private boolean quietBefore;
    private long lastSignalNanos;
    private boolean stopping;
    // Group commit: callers waiting for durability take a ticket (durableRequested) and join the
    // open group; the next sync to start covers every ticket taken so far and closes that group.
    private long durableRequested;
    private long durableCovered;
    private CommitGroup openGroup = new CommitGroup();
    // Callers in the group of the newest sync: its upload releases them, and most commit again at once.
    private long releasedGroupSize;

    private volatile boolean closed;
    private volatile String lastSyncError;
    private volatile Instant lastSyncAt;
    private volatile long syncs;
    private volatile int joinFailures;
    private long nextJoinAttemptNanos;
    /**
     * Least time between two syncs that commit signals start: the sync interval. A commit that comes
     * after a pause in commits of at least half the interval is shipped at once (so one commit a
     * second is never held back); under a dense write load commits are grouped, so
     * the store sees at most one upload per interval (as with Litestream) and a page rewritten by
     * many commits is encoded and shipped once. Measured (docs/benchmarks.md): at 100 ms a load of
     * 100 commits/s cost ten times Litestream's PUT requests; at 20 ms single-row inserts lost about
     * half their throughput on two cores. Callers waiting for durability are never spaced.
     */
    private final long signalSpacingNanos;
    private long lastStagedNanos;

    public Replicator(Path db, ReplicaClient client, ReplicationOptions options) {
        this(db, client, options, LeaseOptions.OFF);
    }

    /**
     * With {@code lease} enabled the replicator takes the replica's lease when it joins, before it
     * writes anything, and every write to the replica is fenced by it (see {@link ReplicaLease}).
     */
    public Replicator(Path db, ReplicaClient client, ReplicationOptions options, LeaseOptions lease) {
        this.db = db.toAbsolutePath();
        this.lease = lease.enabled() ? ReplicaLease.forStore(options.name(), client.leaseStore(), client.describe(),
                this.db, lease, options.clock()) : null;
        this.client = this.lease != null ? new FencedReplicaClient(client, this.lease) : client;
        this.options = options;
        this.stateDir = options.resolveStateDirFor(db);
        this.signalSpacingNanos = options.syncInterval().toNanos();
        this.lastStagedNanos = System.nanoTime() - signalSpacingNanos;
    }

    /**
     * Opens the replicator's connections and pins the WAL, then joins the replica: decides where the
     * TXID chain continues (local staged files, the replica's newest file, or a clean-shutdown
     * record), runs a first sync and starts uploading. If the replica cannot be read now, the
     * database stays usable and pinned (no frame is checkpointed away) while the sync thread keeps
     * trying with backoff; the status reports the failures meanwhile.
     */
    public void start() throws IOException {
        try {
            control = SqliteConnections.openPolling(db, options.busyTimeout());
            checkpointer = SqliteConnections.open(db, options.busyTimeout());
            pin = new ReadPin(db, options.busyTimeout());
            pin.renew();
        } catch (SQLException e) {
            closeQuietly();
            throw new ReplicationException("cannot open database " + db + " for replication: " + e.getMessage(), e);
        }
        dbFile = new DatabaseFile(db);
        wal = new WalReader(Path.of(db + "-wal"));
        staging = new Staging(stateDir.resolve("staging"));
        cache = new LocalLtxCache(stateDir.resolve("uploaded"));
        writer = new LtxWriter(options.pageEncoding());
        tryJoin();
        ReplicaLeaseException refused = leaseRefused;
        if (refused != null && uploader == null) {
            // Another instance holds the replica: fail start-up rather than wait for it in the background.
            closed = true;
            closeQuietly();
            throw refused;
        }
        syncThread = new Thread(this::syncLoop, "durable-sqlite-sync-" + options.name());
        syncThread.setDaemon(true);
        syncThread.start();
    }

    /**
     * Takes the replica's lease now, if the lease is on: a caller about to restore from the replica
     * learns that another instance owns it before downloading anything. {@link #start()} takes it
     * otherwise.
     *
     * @throws ReplicaLeaseException naming the instance that holds it
     * @throws IOException when the store cannot be read (the replicator tries again when it joins)
     */
    public void acquireLease() throws IOException {
        if (lease != null) {
            lease.acquire();
        }
    }

    /** Joins the replica unless it cannot be read yet (then the next attempt waits for the backoff). */
    private boolean tryJoin() {
        // The sync thread, a caller of syncNow and close may all try at once; joining twice would
        // start a second uploader and history thread that nothing ever stops.
        synchronized (joinLock) {
            return tryJoinLocked();
        }
    }

    private boolean tryJoinLocked() {
        if (uploader != null) {
            return true;
        }
        if (System.nanoTime() < nextJoinAttemptNanos) {
            return false;
        }
        try {
            join();
            joinFailures = 0;
            lastSyncError = null;
            leaseRefused = null;
            return true;
        } catch (IOException | RuntimeException e) {
            leaseRefused = e instanceof ReplicaLeaseException refused ? refused : null;
            joinFailures++;
            lastSyncError = e.getMessage();
            long backoff = Math.min(30_000L, 100L << Math.min(joinFailures, 9));
            nextJoinAttemptNanos = System.nanoTime() + backoff * 1_000_000L;
            log.warn("{} - replica {} cannot be read (attempt {}), the database stays pinned and will be replicated "
                    + "once it can: {}", options.name(), client.describe(), joinFailures, e.getMessage());
            return false;
        }
    }

    private void join() throws IOException {
        if (lease != null) {
            lease.acquire(); // before the first read that decides what to write
        }
        ReplicaIndex joined = ReplicaIndex.load(client);
        long remoteTxid = joined.maxTxid();
        List<Staging.StagedFile> staged = StagingRecovery.reconcile(options.name(), staging, cache, joined,
                options.history().topLevel() > 0);
        synchronized (syncLock) {
            index = joined;
            txid = staged.isEmpty() ? remoteTxid : staged.get(staged.size() - 1).maxTxid();
            decideStartPosition(staged);
            ShutdownState.delete(stateDir);
            uploader = new Uploader(options.name(), staging, options.history().topLevel() > 0 ? cache : null, index,
                    client, options.clock(), options.metrics(), remoteTxid);
            syncLocked();
        }
        uploadThread = new Thread(uploader, "durable-sqlite-upload-" + options.name());
        uploadThread.setDaemon(true);
        uploadThread.start();
        uploader.wake();
        history = new HistoryKeeper(options, client, index, cache, stateDir.resolve("history"), snapshotSource, leases);
        history.start();
        log.info("{} - replicating {} to {} from TXID {}{}", options.name(), db, client.describe(), txid,
                needFull ? " (a full copy follows)" : "");
    }

    private void decideStartPosition(List<Staging.StagedFile> staged) throws IOException {
        needFull = true;
        position = null;
        if (txid == 0) {
            return; // a new replica starts with a full copy at TXID 1
        }
        LtxHeader last = staged.isEmpty()
                ? ReplicaInspector.headerOf(client, index, cache, txid)
                : ReplicaInspector.headerOf(staged.get(staged.size() - 1).path());
        if (last != null && (last.walSalt1() != 0 || last.walSalt2() != 0)) {
            WalPosition resumed = wal.positionAt(last.walSalt1(), last.walSalt2(), last.walOffset() + last.walSize());
            if (resumed != null) {
                position = resumed;
                needFull = false;
                return;
            }
        }
        // Frames in the WAL now were all written after the record (the WAL was truncated first), so
        // they follow the recorded state and are picked up by scanning from the WAL's start.
        ShutdownState state = ShutdownState.read(stateDir);
        if (state != null && state.txid() == txid
                && state.size() == dbFile.size() && state.checksum() == ShutdownState.checksum(dbFile)) {
            needFull = false;
        }
    }

    private boolean walHasNoFrames() throws IOException {
        WalScan scan = wal.scan(null);
        return scan == null || scan.frameCount() == 0;
    }

    /** Tells the replicator a transaction committed; the sync runs on its own thread. */
    public void signal() {
        lag.committed(options.clock().instant());
        synchronized (signalMonitor) {
            long now = System.nanoTime();
            if (!signalled) {
                // Half the spacing: one commit a second is "sparse" at the default 1 s interval.
                quietBefore = now - lastSignalNanos >= signalSpacingNanos / 2;
                signalled = true;
                // Only the first commit since the sync thread last looked wakes it. Waking it (and
                // every caller waiting for durability) on each commit cost the committing thread a
                // futex call and the machine a context switch per commit, for nothing: no waiter
                // acts on a second signal.
                signalMonitor.notifyAll();
            }
            lastSignalNanos = now;
        }
    }

    /**
     * Ships everything committed so far on the calling thread and returns the TXID that holds it.
     * Use {@link #awaitUploaded} to wait until that TXID is in the replica.
     */
    public long syncNow() throws IOException {
        nextJoinAttemptNanos = 0;
        if (!tryJoin()) {
            throw new IOException("replica " + client.describe() + " cannot be read: " + lastSyncError);
        }
        synchronized (syncLock) {
            syncLocked();
            return txid;
        }
    }

    /**
     * Waits until everything committed before the call is in the replica. Callers that wait at the
     * same time share syncs and uploads: while one upload is under way, the commits of every waiter
     * that arrives meanwhile go into the next file together (group commit).
     *
     * @return the TXID the replica now holds; {@link #NOT_REPLICATED} if the timeout passed first or the
     *         replicator closed; {@link #LEASE_LOST} as soon as another instance holds the replica's
     *         lease (waiting longer cannot help: nothing from here reaches the replica any more)
     */
    public long awaitReplicated(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (leaseLost()) {
                return LEASE_LOST;
            }
            CommitGroup group;
            synchronized (signalMonitor) {
                if (stopping) {
                    return NOT_REPLICATED;
                }
                durableRequested++;
                group = openGroup;
                signalMonitor.notifyAll();
            }
            long txid;
            // Woken by the upload; the slices only bound how late a lost lease is noticed.
            do {
                txid = group.await(lease == null ? deadline : Math.min(deadline, System.nanoTime() + LEASE_CHECK_NANOS));
            } while (txid == CommitGroup.NOT_REPLICATED && deadline - System.nanoTime() > 0 && !leaseLost());
            if (txid == CommitGroup.NOT_REPLICATED && leaseLost()) {
                return LEASE_LOST;
            }
            if (txid != CommitGroup.RETRY) {
                return txid;
            }
        }
    }

    /**
     * Waits until the oldest change not yet in the replica is at most {@code maxLag} old.
     *
     * @return false if it still was older when the timeout passed (a zero timeout only checks)
     */
    public boolean awaitLagWithin(Duration maxLag, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Uploader current = uploader;
            long uploaded = current == null ? 0 : current.uploadedTxid();
            Instant oldest = lag.oldestPending(uploaded);
            if (oldest == null || Duration.between(oldest, options.clock().instant()).compareTo(maxLag) <= 0) {
                return true;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || closed) {
                return false;
            }
            long pendingTxid = lag.oldestPendingTxid(uploaded);
            Duration step = Duration.ofNanos(Math.min(remaining, 100_000_000L));
            if (current != null && pendingTxid > 0) {
                current.awaitUploaded(pendingTxid, step);
            } else {
                Thread.sleep(Math.max(1, step.toMillis()));
            }
        }
    }

    /** Waits until the replica holds {@code target}; false if the timeout passed first. */
    public boolean awaitUploaded(long target, Duration timeout) throws InterruptedException {
        Uploader current = uploader;
        return current != null && current.awaitUploaded(target, timeout);
    }

    public ReplicationStatus status() {
        long local;
        synchronized (syncLock) {
            local = txid;
        }
        Uploader current = uploader;
        if (current == null) {
            return new ReplicationStatus(local, 0, null, lastSyncAt, syncs, joinFailures, lastSyncError,
                    lag.oldestPending(0));
        }
        String error = lastSyncError != null ? lastSyncError : current.lastError();
        if (error == null && history != null) {
            error = history.lastError();
        }
        String fenced = leaseProblem();
        if (fenced != null) {
            error = fenced;
        }
        long uploaded = current.uploadedTxid();
        return new ReplicationStatus(local, uploaded, current.lastUploadAt(), lastSyncAt, syncs,
                current.consecutiveFailures(), error, lag.oldestPending(uploaded));
    }

    /**
     * Runs a restore drill now on the calling thread: restores the replica's newest state into a
     * scratch file under the state directory, verifying every checksum and SQLite's integrity check.
     */
    public Verification verifyNow() {
        HistoryKeeper current = history;
        if (current == null) {
            return new Verification(options.clock().instant(), false, 0, null, 0, 0, Duration.ZERO,
                    "replication has not reached replica " + client.describe() + " yet: " + lastSyncError);
        }
        return current.verifyNow();
    }

    /** The last restore drill's outcome (scheduled or {@link #verifyNow()}), or null before the first. */
    public Verification lastVerification() {
        HistoryKeeper current = history;
        return current == null ? null : current.lastVerification();
    }

    /**
     * Why this replicator does not write to the replica although it runs: it lost the replica's lease
     * to another instance, or cannot renew it. Null while it holds the lease, or without a lease.
     */
    public String leaseProblem() {
        return lease == null ? null : lease.problem();
    }

    /** Whether another instance took over the replica's lease: nothing written here will reach the replica. */
    public boolean leaseLost() {
        return lease != null && lease.isLost();
    }

    /** Files restores in this process are reading; a restorer given them is safe from retention. */
    ReadLeases leases() {
        return leases;
    }

    /** The history keeper, for tests that run compaction and retention at chosen times. */
    HistoryKeeper history() {
        return history;
    }

    private void syncLoop() {
        long intervalNanos = Math.max(1, options.syncInterval().toNanos());
        while (true) {
            boolean bySignal;
            boolean quiet;
            boolean awaited;
            synchronized (signalMonitor) {
                long deadline = System.nanoTime() + intervalNanos;
                try {
                    for (long wait = intervalNanos; wait > 0 && !signalled && !stopping && !awaitedLocked();
                         wait = deadline - System.nanoTime()) {
                        signalMonitor.wait(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (stopping) {
                    return;
                }
                bySignal = signalled;
                quiet = quietBefore;
                signalled = false;
                awaited = awaitedLocked();
            }
            try {
                if (!tryJoin()) {
                    if (awaited) {
                        Thread.sleep(100); // someone waits, but the replica cannot be read yet
                    }
                    continue;
                }
                if (awaited) {
                    if (awaitUploadIdle()) {
                        awaitReleasedGroup();
                    }
                } else if (bySignal && !quiet) {
                    awaitSpacing();
                }
                boolean found = syncOnce();
                // The commit hook fires before SQLite appends the frames: look again shortly.
                for (int i = 0; bySignal && !awaited && !found && i < SIGNAL_RETRY_MILLIS.length; i++) {
                    if (!pauseBeforeRetry(SIGNAL_RETRY_MILLIS[i])) {
                        break;
                    }
                    found = syncOnce();
                }
                maybeCheckpoint();
                lastSyncError = null;
            } catch (InterruptedException e) {
                return;
            } catch (IOException | SQLException | RuntimeException e) {
                options.metrics().syncFailed();
                lastSyncError = e.getMessage();
                log.warn("{} - sync failed, will retry: {}", options.name(), e.toString());
                if (awaited && !pause(100)) {
                    return;
                }
            }
        }
    }

    /**
     * Pauses before looking for a signalled commit's frames again; false, at once, when another
     * commit signals, a caller starts waiting for durability or the replicator stops: the sync loop
     * serves those.
     */
    private boolean pauseBeforeRetry(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (signalMonitor) {
            for (long wait = deadline - System.nanoTime(); ; wait = deadline - System.nanoTime()) {
                if (stopping || signalled || awaitedLocked()) {
                    return false;
                }
                if (wait <= 0) {
                    return true;
                }
                TimeUnit.NANOSECONDS.timedWait(signalMonitor, wait);
            }
        }
    }

    /** Whether a caller waits for durability that no sync has covered yet. Caller holds signalMonitor. */
    private boolean awaitedLocked() {
        return durableRequested > durableCovered;
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /**
     * Lets the upload under way finish before staging the next file, so the commits of everyone who
     * started waiting meanwhile share one file and one upload. Bounded, because during an outage
     * uploads do not finish and local staging must go on.
     */
    private boolean awaitUploadIdle() throws InterruptedException {
        Uploader current = uploader;
        long staged;
        synchronized (syncLock) {
            staged = txid;
        }
        if (current == null || current.uploadedTxid() >= staged) {
            return false;
        }
        return current.awaitUploaded(staged, GROUP_WAIT_LIMIT);
    }

    /**
     * After an upload released a group, waits for its committers to commit again, while they keep
     * coming (at most {@link #GATHER_GAP_NANOS} apart), so that they share the next file with
     * those who committed during the upload. Otherwise writers split into cohorts that alternate,
     * each paying for its own file and upload: with many writers on few cores it is the uploads'
     * CPU, not their latency, that bounds throughput. A lone committer is not held back: the wait
     * ends when as many commits arrived as the group had.
     */
    private void awaitReleasedGroup() throws InterruptedException {
        synchronized (signalMonitor) {
            long target = durableRequested + releasedGroupSize;
            long deadline = System.nanoTime() + GATHER_LIMIT_NANOS;
            long seen = durableRequested;
            long gapEnd = System.nanoTime() + GATHER_GAP_NANOS;
            while (durableRequested < target && !stopping) {
                long now = System.nanoTime();
                if (durableRequested != seen) {
                    seen = durableRequested;
                    gapEnd = now + GATHER_GAP_NANOS;
                }
                long wait = Math.min(gapEnd, deadline) - now;
                if (wait <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(signalMonitor, wait);
            }
        }
    }

    private void awaitSpacing() throws InterruptedException {
        long deadline = lastStagedNanos + signalSpacingNanos;
        synchronized (signalMonitor) {
            // Signals keep arriving while we wait; only the time, a stop or a caller waiting for
            // durability ends the wait.
            for (long wait = deadline - System.nanoTime(); wait > 0 && !stopping && !awaitedLocked();
                 wait = deadline - System.nanoTime()) {
                signalMonitor.wait(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            signalled = false;
        }
    }

    private boolean syncOnce() throws IOException {
        synchronized (syncLock) {
            return syncLocked();
        }
    }

    /**
     * One sync; returns whether a file was staged. Caller holds syncLock. Every caller waiting for
     * durability before it started is covered by it: the WAL is read after their commits returned.
     */
    private boolean syncLocked() throws IOException {
        long ticket;
        CommitGroup group = null;
        synchronized (signalMonitor) {
            ticket = durableRequested;
            if (ticket > durableCovered) {
                group = openGroup;
                openGroup = new CommitGroup();
                releasedGroupSize = ticket - durableCovered;
            }
        }
        Instant started = options.clock().instant();
        boolean staged;
        try {
            staged = syncLockedOnce();
        } catch (IOException | RuntimeException e) {
            if (group != null) {
                group.complete(CommitGroup.RETRY);
            }
            throw e;
        }
        lag.synced(started, staged ? txid : 0);
        if (group != null) {
            synchronized (signalMonitor) {
                durableCovered = Math.max(durableCovered, ticket);
            }
            Uploader current = uploader;
            if (current != null) {
                current.whenUploaded(txid, group);
            } else {
                group.complete(CommitGroup.RETRY);
            }
        }
        return staged;
    }

    private boolean syncLockedOnce() throws IOException {
        try {
            pin.renew();
        } catch (SQLException e) {
            throw new IOException("cannot hold a read transaction on " + db + ": " + e.getMessage(), e);
        }
        lastSyncAt = options.clock().instant();
        syncs++;
        if (needFull) {
            return stageFull();
        }
        WalScan scan = wal.scan(position);
        if (scan == null) {
            return false; // no WAL yet, or truncated: nothing new was committed
        }
        // A restart seen here continues from our position: see ReadPin for why.
        if (scan.isEmpty()) {
            position = scan.end();
            return false;
        }
        long next = txid + 1;
        long started = System.nanoTime();
        long timestamp = options.clock().millis();
        int pages = LtxWriter.pageCount(scan);
        Staging.StagedFile file = staging.stage(next, next, out ->
                writer.writeIncrement(out, next, timestamp, scan, wal));
        txid = next;
        position = scan.end();
        pageSize = scan.header().pageSize();
        afterStage(file, timestamp, pages, started);
        return true;
    }

    /**
     * Writes a snapshot of the state at the current TXID, for {@link Snapshots}. Holds the sync lock
     * while it copies the database (syncs wait; commits do not). The copy must be of exactly the
     * current TXID, so if a commit lands between staging and the scan of the whole WAL, that commit
     * is staged first and the scan made again.
     */
    private LtxHeader writeSnapshot(OutputStream out) throws IOException {
        synchronized (syncLock) {
            for (int attempt = 0; attempt < 10; attempt++) {
                syncLocked();
                if (txid == 0 || needFull) {
                    return null;
                }
                WalScan scan = wal.scan(null);
                if (scan != null && !scan.end().equals(position)) {
                    continue;
                }
                int size = scan != null ? scan.header().pageSize() : dbFile.pageSize();
                int commit = scan != null && !scan.isEmpty() ? scan.commitSize()
                        : size == 0 ? 0 : (int) (dbFile.size() / size);
                if (commit == 0) {
                    return null;
                }
                return writer.writeSnapshot(out, txid, options.clock().millis(), size, commit, scan, wal, dbFile);
            }
            throw new IOException("the database kept changing while a snapshot was being taken; it is tried again");
        }
    }

    private boolean stageFull() throws IOException {
        WalScan scan = wal.scan(null);
        int size = scan != null ? scan.header().pageSize() : dbFile.pageSize();
        int commit = scan != null && !scan.isEmpty() ? scan.commitSize() : size == 0 ? 0 : (int) (dbFile.size() / size);
        if (commit == 0) {
            return false; // an empty database has nothing to copy yet
        }
        long next = txid + 1;
        long started = System.nanoTime();
        long timestamp = options.clock().millis();
        Staging.StagedFile file = staging.stage(next, next, out ->
                writer.writeFull(out, next, timestamp, size, commit, scan, wal, dbFile));
        txid = next;
        position = scan == null ? null : scan.end();
        pageSize = size;
        needFull = false;
        afterStage(file, timestamp, commit, started);
        log.info("{} - staged a full copy of the database ({} pages) as TXID {}", options.name(), commit, next);
        return true;
    }

    /**
     * Starts the upload, then makes the staging directory durable while it runs: the sync, and so
     * every commit waiting for it, still ends only after both.
     */
    private void afterStage(Staging.StagedFile file, long timestamp, int pages, long started) throws IOException {
        lastStagedNanos = System.nanoTime();
        long size = Files.size(file.path());
        if (uploader != null) {
            uploader.staged(file, Instant.ofEpochMilli(timestamp));
        }
        staging.syncDirectory();
        options.metrics().synced(file.maxTxid(), pages, size, System.nanoTime() - started);
    }

    private void maybeCheckpoint() throws IOException, SQLException {
        long threshold;
        synchronized (syncLock) {
            if (position == null || pageSize == 0) {
                return;
            }
            threshold = 32 + (long) options.checkpointPages() * (pageSize + 24);
            if (position.offset() < threshold || position.equals(checkpointedAt)) {
                return;
            }
        }
        checkpoint();
    }

    /**
     * Copies shipped frames into the database in two steps. First without blocking anyone: the pin
     * was renewed before the scan, so a checkpoint cannot pass frames that are not shipped. Then,
     * holding writers off for the moment it takes, ship the few frames committed meanwhile, release
     * the pin and copy the rest: the WAL is then fully checkpointed, the next writer restarts it, and
     * the restart provably continues the TXID chain.
     */
    void checkpoint() throws IOException, SQLException {
        synchronized (syncLock) {
            syncLocked();
            passiveCheckpoint();
            try (Statement statement = control.createStatement()) {
                try {
                    statement.execute("BEGIN IMMEDIATE");
                } catch (SQLException busy) {
                    log.debug("{} - checkpoint postponed, the database is busy: {}", options.name(), busy.getMessage());
                    return;
                }
                try {
                    syncLocked();
                    pin.release();
                    boolean complete = passiveCheckpoint();
                    options.metrics().checkpointed(complete);
                    checkpointedAt = complete ? position : null;
                    pin.renew();
                } finally {
                    statement.execute("ROLLBACK");
                }
            }
        }
    }

    /** Returns whether every frame in the WAL is now in the database. */
    private boolean passiveCheckpoint() throws SQLException {
        try (Statement ckpt = checkpointer.createStatement();
             ResultSet rs = ckpt.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            return rs.next() && rs.getInt(1) == 0 && rs.getInt(2) == rs.getInt(3);
        }
    }

    /**
     * Final sync and upload, bounded by the close timeout. With {@code ownsWriters}, also a
     * TRUNCATE checkpoint and a clean-shutdown record, so the next start continues the chain.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (history != null) {
            history.close();
        }
        synchronized (signalMonitor) {
            stopping = true;
            openGroup.complete(CommitGroup.NOT_REPLICATED);
            signalMonitor.notifyAll();
        }
        joinQuietly(syncThread);
        try {
            nextJoinAttemptNanos = 0;
            if (pin != null && !tryJoin()) {
                log.warn("{} - closing without reaching replica {}: the database keeps every change and is "
                        + "replicated on the next start", options.name(), client.describe());
            } else if (pin != null) {
                long last = syncNow();
                if (options.ownsWriters()) {
                    finalCheckpoint(last);
                }
                if (lease != null && lease.isLost()) {
                    log.warn("{} - closing with TXIDs up to {} staged in {} only: another instance holds replica {}",
                            options.name(), last, staging.dir(), client.describe());
                } else if (uploader != null && !uploader.awaitUploaded(last, options.closeTimeout())) {
                    log.warn("{} - closing with TXIDs up to {} not yet in {}: they stay staged in {} and are uploaded on the next start",
                            options.name(), last, client.describe(), staging.dir());
                }
            }
        } catch (IOException | SQLException | RuntimeException e) {
            log.error("{} - final sync failed: {}", options.name(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (uploader != null) {
                uploader.stop();
            }
            joinQuietly(uploadThread);
            if (lease != null) {
                lease.release(); // last: nothing is written to the replica after this
            }
            closeQuietly();
        }
    }

    private void finalCheckpoint(long last) throws IOException, SQLException {
        synchronized (syncLock) {
            pin.release();
            try (Statement ckpt = checkpointer.createStatement();
                 ResultSet rs = ckpt.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                boolean complete = rs.next() && rs.getInt(1) == 0;
                options.metrics().checkpointed(complete);
                if (complete && walHasNoFrames()) {
                    new ShutdownState(last, dbFile.size(), ShutdownState.checksum(dbFile)).write(stateDir);
                }
            }
        }
    }

    private void joinQuietly(Thread thread) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(options.closeTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly() {
        if (pin != null) {
            pin.close();
        }
        for (AutoCloseable closeable : new AutoCloseable[] {control, checkpointer, wal}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        // Last: closing this descriptor drops SQLite's POSIX locks on the file in this process.
        try {
            if (dbFile != null) {
                dbFile.close();
            }
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
