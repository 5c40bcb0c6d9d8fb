package io.github.durablesqlite;

import io.github.durablesqlite.replication.Replicator;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What a commit waits for besides SQLite: in {@link Durability#SYNC} mode, the replica confirming
 * it afterwards; with a max lag, replication being close enough behind before it. The JDBC layer
 * ({@link GatedJdbc}) calls it; it only decides and waits.
 */
final class CommitGate {
    private final String name;
    private final Durability durability;
    private final Duration commitTimeout;
    private final Duration maxLag;
    private final MaxLagPolicy maxLagPolicy;
    private final Supplier<Replicator> replicator;
    private final Supplier<String> replica;

    CommitGate(String name, Durability durability, Duration commitTimeout, Duration maxLag, MaxLagPolicy maxLagPolicy,
               Supplier<Replicator> replicator, Supplier<String> replica) {
        this.name = name;
        this.durability = durability;
        this.commitTimeout = commitTimeout;
        this.maxLag = maxLag;
        this.maxLagPolicy = maxLagPolicy;
        this.replicator = replicator;
        this.replica = replica;
    }

    /** Whether connections need watching at all; in plain async mode they are handed out untouched. */
    boolean active() {
        return durability == Durability.SYNC || maxLag != null;
    }

    /** Whether a commit must be held back when replication lags: only async mode with a max lag. */
    boolean limitsLag() {
        return durability == Durability.ASYNC && maxLag != null;
    }

    /** Called before a commit happens; refuses it (nothing written) when replication lags too far. */
    void beforeCommit() throws SQLException {
        if (!limitsLag()) {
            return;
        }
        Duration wait = maxLagPolicy == MaxLagPolicy.FAIL ? Duration.ZERO : commitTimeout;
        try {
            if (replicator.get().awaitLagWithin(maxLag, wait)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotReplicatedException(name + " - interrupted while waiting for replication to catch up; "
                    + "the commit was not made", false);
        }
        String lastError = replicator.get().status().lastError();
        throw new NotReplicatedException(name + " - replication to " + replica.get() + " is more than " + maxLag
                + " behind" + (lastError != null ? " (" + lastError + ")" : "")
                + (maxLagPolicy == MaxLagPolicy.WAIT ? " and did not catch up within " + commitTimeout : "")
                + "; the commit was refused and nothing was written. It succeeds again once the replica catches up "
                + "(max-lag " + maxLag + ", policy " + maxLagPolicy + ")", false);
    }

    /** Called after this thread committed: in sync mode, returns only once the replica holds the commit. */
    void afterCommit() throws SQLException {
        if (durability != Durability.SYNC) {
            return;
        }
        long txid;
        try {
            txid = replicator.get().awaitReplicated(commitTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            txid = Replicator.NOT_REPLICATED;
        }
        if (txid == Replicator.LEASE_LOST) {
            // Waiting cannot help: this instance no longer writes to the replica at all.
            throw new NotReplicatedException(name + " - the commit is in the local database, but it will not reach "
                    + "replica " + replica.get() + ": " + replicator.get().leaseProblem(), true);
        }
        if (txid < 0) {
            String lastError = replicator.get().status().lastError();
            throw new NotReplicatedException(name + " - the commit is in the local database, but replica "
                    + replica.get() + " did not confirm it within " + commitTimeout
                    + (lastError != null ? " (" + lastError + ")" : "")
                    + "; it is replicated once the replica is reachable. Treat the commit as not acknowledged", true);
        }
    }
}
