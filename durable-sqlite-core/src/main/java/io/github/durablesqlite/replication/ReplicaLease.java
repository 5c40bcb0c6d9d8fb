package io.github.durablesqlite.replication;

import io.github.durablesqlite.ReplicaLeaseException;
import io.github.durablesqlite.ReplicationException;
import io.github.durablesqlite.replica.LeaseStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per replica. The lease object is created only if absent, and renewed, taken over or
 * deleted only while it holds the version this process last saw (compare-and-swap on the store), so
 * of two instances exactly one holds it. The holder renews every third of the TTL; a lease not
 * renewed for a whole TTL may be taken over. {@link #ensureHeld()} is the fence: a write to the
 * replica goes ahead only while the last renewal is younger than the TTL minus a safety margin and
 * no renewal found another holder, so a holder that cannot renew stops writing before anyone may
 * take over, and one that was taken over stops for good.
 */
final class ReplicaLease {
    private static final Logger log = LoggerFactory.getLogger(ReplicaLease.class);
    private static final int ATTEMPTS = 3;

    private final String name;
    private final LeaseStore store;
    private final String replica;
    private final Path database;
    private final Duration ttl;
    private final Clock clock;
    private final String holder = UUID.randomUUID().toString();
    private final Object lock = new Object();

    // Guarded by lock.
    private LeaseRecord record;
    private String version;
    private Instant validUntil;
    private boolean released;

    private volatile String lost;
    private volatile String renewFailure;
    private volatile Thread renewer;

    ReplicaLease(String name, LeaseStore store, String replica, Path database, Duration ttl, Clock clock) {
        this.name = name;
        this.store = store;
        this.replica = replica;
        this.database = database.toAbsolutePath();
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * Takes the lease and starts renewing it in the background, or throws {@link ReplicaLeaseException} naming the instance that holds it. A
     * lease left by an earlier run of this database on this host (a crash or kill) is waited for,
     * at most one TTL, then taken over if it was not renewed meanwhile.
     *
     * @throws IOException when the store cannot be asked (the caller retries later)
     */
    void acquire() throws IOException {
        synchronized (lock) {
            if (record != null) {
                return; // taken on an earlier attempt to join
            }
        }
        boolean waited = false;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            LeaseRecord mine = new LeaseRecord(holder, Host.NAME, ProcessHandle.current().pid(), database.toString(),
                    now, now, now.plus(ttl));
            String created = store.create(mine.toJson());
            if (created != null) {
                held(mine, created, now);
                log.info("{} - holding the lease {} (renewed every {} ms)", name, store.describe(), renewEvery().toMillis());
                return;
            }
            LeaseStore.Versioned current = store.read();
            if (current == null) {
                continue; // released since: create again
            }
            LeaseRecord theirs = parse(current);
            if (!theirs.expiredAt(clock.instant()) && !waited && previousRunHere(theirs)) {
                waited = true;
                awaitExpiry(theirs);
                attempt--;
                continue;
            }
            now = clock.instant();
            if (!theirs.expiredAt(now)) {
                throw refused(theirs, now);
            }
            LeaseRecord takeover = new LeaseRecord(holder, mine.host(), mine.pid(), mine.database(), now, now,
                    now.plus(ttl));
            String taken = store.replace(takeover.toJson(), current.version());
            if (taken != null) {
                held(takeover, taken, now);
                log.warn("{} - took over the lease {}: its holder ({}) stopped renewing it at {}", name,
                        store.describe(), theirs.describeHolder(), theirs.renewedAt());
                return;
            }
        }
        throw new IOException("the lease " + store.describe() + " kept changing while " + name + " tried to take it");
    }

    private void held(LeaseRecord mine, String newVersion, Instant requestedAt) {
        synchronized (lock) {
            record = mine;
            version = newVersion;
            validUntil = requestedAt.plus(ttl).minus(margin());
        }
        Thread thread = new Thread(this::renewLoop, "durable-sqlite-lease-" + name);
        thread.setDaemon(true);
        renewer = thread;
        thread.start();
    }

    private LeaseRecord parse(LeaseStore.Versioned current) {
        try {
            return LeaseRecord.parse(current.content());
        } catch (IllegalArgumentException e) {
            throw new ReplicaLeaseException(name + " - replica " + replica + " has a lease object "
                    + store.describe() + " that durable-sqlite cannot read (" + e.getMessage() + "), so it cannot "
                    + "tell whether another instance writes there. Delete that object if no other instance replicates "
                    + "to " + replica + ", or point this one at another replica URL");
        }
    }

    /** Same host and database: most likely this very application before a crash or kill. */
    private boolean previousRunHere(LeaseRecord theirs) {
        return theirs.host().equals(Host.NAME) && theirs.database().equals(database.toString())
                && !theirs.holder().equals(holder);
    }

    /** Waits for the lease to expire by the engine's clock, but never longer than one TTL of real time. */
    private void awaitExpiry(LeaseRecord theirs) throws IOException {
        log.info("{} - the lease {} is held by an earlier run on this host ({}) until {}; waiting for it to expire",
                name, store.describe(), theirs.describeHolder(), theirs.expiresAt());
        long deadline = System.nanoTime() + ttl.toNanos() + 1_000_000_000L;
        try {
            while (!theirs.expiredAt(clock.instant()) && System.nanoTime() < deadline) {
                long left = Math.min(Duration.between(clock.instant(), theirs.expiresAt()).toMillis(),
                        (deadline - System.nanoTime()) / 1_000_000);
                Thread.sleep(Math.max(1, Math.min(left, 200)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the lease " + store.describe());
        }
    }

    private ReplicaLeaseException refused(LeaseRecord theirs, Instant now) {
        long seconds = Math.max(1, Duration.between(now, theirs.expiresAt()).toSeconds());
        return new ReplicaLeaseException(name + " - replica " + replica + " is in use by another instance ("
                + theirs.describeHolder() + ", holding it since " + theirs.acquiredAt() + "); its lease "
                + store.describe() + " expires at " + theirs.expiresAt() + " (in " + seconds + " s) unless renewed. "
                + "Stop that instance (a clean stop releases the lease at once), wait for the lease to expire if it "
                + "was killed, or point this one at another replica URL");
    }

    /**
     * Renews whenever a third of the TTL passed since the last renewal, by the engine's clock, which
     * is looked at often (a cheap check, no request): so an injected clock moved by a test is
     * followed, and a real one gives a renewal every {@code ttl / 3}.
     */
    private void renewLoop() {
        long pollMillis = Math.max(10, Math.min(1000, ttl.toMillis() / 10));
        while (lost == null) {
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                return;
            }
            boolean due;
            synchronized (lock) {
                if (released || record == null) {
                    return;
                }
                due = !clock.instant().isBefore(record.renewedAt().plus(renewEvery()));
            }
            if (due) {
                try {
                    renew();
                } catch (IOException e) {
                    // The fence stops writes once the lease is too old; lost leases were logged by renew.
                    if (lost == null) {
                        log.debug("{} - lease renewal failed, retrying: {}", name, e.getMessage());
                    }
                }
            }
        }
    }

    private void renew() throws IOException {
        synchronized (lock) {
            if (lost != null) {
                throw new IOException(lost);
            }
            if (released || record == null) {
                throw new IOException(name + " - the lease " + store.describe() + " is not held");
            }
            Instant now = clock.instant();
            LeaseRecord next = record.renewed(now, ttl);
            String newVersion;
            try {
                newVersion = store.replace(next.toJson(), version);
            } catch (IOException e) {
                if (renewFailure == null) {
                    log.warn("{} - cannot renew the lease {} (valid until {} by this clock): {}", name,
                            store.describe(), validUntil, e.getMessage());
                }
                renewFailure = e.getMessage();
                throw e;
            }
            if (newVersion == null) {
                lose(now);
                throw new IOException(lost);
            }
            if (renewFailure != null) {
                log.info("{} - the lease {} is renewed again", name, store.describe());
            }
            renewFailure = null;
            record = next;
            version = newVersion;
            validUntil = now.plus(ttl).minus(margin());
        }
    }

    private void lose(Instant now) {
        String successor;
        try {
            LeaseStore.Versioned current = store.read();
            successor = current == null ? "nobody (the lease object was deleted)"
                    : LeaseRecord.parse(current.content()).describeHolder();
        } catch (IOException | IllegalArgumentException e) {
            successor = "an instance that could not be identified (" + e.getMessage() + ")";
        }
        lost = name + " - lost the lease on replica " + replica + " at " + now + " to " + successor + "; this "
                + "instance no longer writes to the replica (new commits stay in the local database only). Stop one "
                + "of the two instances; restart this one to replicate again once the other is gone";
        log.error("{}", lost);
    }

    /**
     * The fence: returns only while the lease is held and fresh; renews it first on this thread when
     * the background renewal is late (a stalled thread, a clock moved by a test).
     *
     * @throws IOException naming the holder when the lease was lost, or why it cannot be renewed
     */
    void ensureHeld() throws IOException {
        String reason = lost;
        if (reason != null) {
            throw new IOException(reason);
        }
        synchronized (lock) {
            if (record != null && !released && clock.instant().isBefore(validUntil)) {
                return;
            }
        }
        try {
            renew();
        } catch (IOException e) {
            if (lost != null) {
                throw new IOException(lost, e);
            }
            throw new IOException(name + " - not writing to replica " + replica + ": its lease "
                    + store.describe() + " could not be renewed (" + e.getMessage() + ")", e);
        }
    }

    /** Why this instance does not write to the replica now, or null while it holds the lease. */
    String problem() {
        String reason = lost;
        if (reason != null) {
            return reason;
        }
        String failure = renewFailure;
        synchronized (lock) {
            if (failure != null && validUntil != null && !clock.instant().isBefore(validUntil)) {
                return name + " - writes to replica " + replica + " are paused: its lease could not be renewed ("
                        + failure + ")";
            }
        }
        return null;
    }

    boolean isLost() {
        return lost != null;
    }

    /** Stops renewing and deletes the lease if it is still ours, so a successor can start at once. */
    void release() {
        String releasedVersion;
        // Under the lock: a renewal in flight finishes first (its new version is the one to delete),
        // and none starts after, so the renewal thread is only ever interrupted while it sleeps.
        synchronized (lock) {
            boolean held = record != null && !released && lost == null;
            released = true;
            releasedVersion = held ? version : null;
        }
        Thread thread = renewer;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (releasedVersion == null) {
            return;
        }
        try {
            if (store.delete(releasedVersion)) {
                log.info("{} - released the lease {}", name, store.describe());
            } else {
                log.warn("{} - did not release the lease {}: another instance holds it now", name, store.describe());
            }
        } catch (IOException e) {
            log.warn("{} - could not release the lease {} (a successor waits until it expires): {}", name,
                    store.describe(), e.getMessage());
        }
    }

    String holder() {
        return holder;
    }

    Duration renewEvery() {
        return ttl.dividedBy(3);
    }

    /**
     * How long before the lease expires the holder stops writing: room for a slow request and for
     * the holder's and a successor's clocks to disagree.
     */
    private Duration margin() {
        return ttl.dividedBy(6);
    }

    static ReplicaLease forStore(String name, LeaseStore store, String replica, Path database, LeaseOptions options,
                                 Clock clock) {
        if (store == null) {
            throw new ReplicationException(name + " - replica " + replica + " cannot hold a lease (its client "
                    + "offers no conditional writes); turn the lease off to replicate to it anyway");
        }
        return new ReplicaLease(name, store, replica, database, options.ttl(), clock);
    }

    /** This host's name, as an operator would look for it. */
    private static final class Host {
        static final String NAME = lookUp();

        private static String lookUp() {
            String env = System.getenv("HOSTNAME");
            if (env != null && !env.isBlank()) {
                return env.trim();
            }
            try {
                Path file = Path.of("/etc/hostname");
                if (Files.isReadable(file)) {
                    String text = Files.readString(file).trim();
                    if (!text.isEmpty()) {
                        return text;
                    }
                }
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "unknown-host";
            }
        }
    }
}
