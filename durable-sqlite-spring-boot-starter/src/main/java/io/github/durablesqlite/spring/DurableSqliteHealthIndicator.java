package io.github.durablesqlite.spring;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.ReplicationStatus;
import io.github.durablesqlite.Verification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP while the replica keeps up; DOWN when uploads keep failing, when changes have waited for the
 * replica longer than allowed, when the last scheduled restore drill failed, when another instance
 * took over the replica's lease (this one then writes nothing more to it), or when replication
 * could not start. The database stays usable
 * while DOWN (commits are staged locally), so this says "the last changes may not survive losing
 * this machine", not "the app cannot work".
 */
public class DurableSqliteHealthIndicator implements HealthIndicator {

    private final Supplier<ReplicationStatus> status;
    private final String replica;
    private final Duration maxLag;
    private final int maxFailedUploads;
    private final Clock clock;
    private final BacklogAge backlog = new BacklogAge();
    private Supplier<Verification> lastDrill = () -> null;
    private Supplier<String> leaseProblem = () -> null;
    private Duration commitMaxLag;
    private String commitMaxLagPolicy;

    /**
     * @param replicaUrl the replica URL; only its part before the query is shown, or null to omit it
     */
    public DurableSqliteHealthIndicator(DurableDataSource dataSource, String replicaUrl, Duration maxLag,
                                        int maxFailedUploads) {
        // start() is a no-op once started; on a data source that failed to start it retries, and its
        // exception is the reason for DOWN.
        this(() -> {
            dataSource.start();
            return dataSource.status();
        }, replicaUrl, maxLag, maxFailedUploads, Clock.systemUTC());
        this.lastDrill = dataSource::lastVerification;
        this.leaseProblem = dataSource::leaseProblem;
    }

    DurableSqliteHealthIndicator(Supplier<ReplicationStatus> status, String replicaUrl, Duration maxLag,
                                 int maxFailedUploads, Clock clock) {
        this.status = status;
        this.replica = replicaUrl == null ? null : withoutQuery(replicaUrl);
        this.maxLag = maxLag;
        this.maxFailedUploads = maxFailedUploads;
        this.clock = clock;
    }

    /** Where the lease's state comes from (the data source, unless a test says otherwise). */
    DurableSqliteHealthIndicator withLeaseProblem(Supplier<String> source) {
        this.leaseProblem = source;
        return this;
    }

    /**
     * The bound of durable-sqlite.max-lag: past it, new commits are held back or refused, which this
     * indicator reports as DOWN with that reason. Null when unbounded.
     */
    DurableSqliteHealthIndicator withCommitMaxLag(Duration maxLag, String policy) {
        this.commitMaxLag = maxLag;
        this.commitMaxLagPolicy = policy;
        return this;
    }

    /** Where the last restore drill's outcome comes from (the data source, unless a test says otherwise). */
    DurableSqliteHealthIndicator withLastDrill(Supplier<Verification> source) {
        this.lastDrill = source;
        return this;
    }

    @Override
    public Health health() {
        ReplicationStatus current;
        try {
            current = status.get();
        } catch (RuntimeException e) {
            Health.Builder down = Health.down().withDetail("reason", "replication is not running");
            withReplica(down);
            return down.withDetail("lastError", String.valueOf(e.getMessage())).build();
        }
        Duration lag = backlog.lag(current, clock.instant());
        Verification drill = lastDrill.get();
        String fenced = leaseProblem.get();
        String reason = fenced != null ? fenced
                : drill != null && !drill.ok() ? "the last restore drill failed: " + drill.error()
                : reasonForDown(current, lag);
        Health.Builder health = reason == null ? Health.up() : Health.down().withDetail("reason", reason);
        health.withDetail("localTxid", txid(current.localTxid()))
                .withDetail("remoteTxid", txid(current.remoteTxid()))
                .withDetail("pendingTxids", current.pendingTxids())
                .withDetail("lag", lag.toString());
        withInstant(health, "lastUploadAt", current.lastUploadAt());
        withInstant(health, "lastSyncAt", current.lastSyncAt());
        health.withDetail("failedUploads", current.failedUploads());
        if (drill != null) {
            health.withDetail("lastVerification", drill.ok() ? "ok at " + drill.at() : "FAILED at " + drill.at());
        }
        if (current.lastError() != null) {
            health.withDetail("lastError", current.lastError());
        }
        withReplica(health);
        return health.build();
    }

    private String reasonForDown(ReplicationStatus current, Duration lag) {
        if (current.failedUploads() >= maxFailedUploads) {
            return current.failedUploads() + " consecutive replica requests failed (limit " + maxFailedUploads + ")";
        }
        if (commitMaxLag != null && lag.compareTo(commitMaxLag) > 0) {
            return "changes have waited " + lag + " for the replica, more than max-lag " + commitMaxLag
                    + ": new commits are " + ("fail".equals(commitMaxLagPolicy) ? "refused" : "held back");
        }
        if (lag.compareTo(maxLag) > 0) {
            return "changes have waited " + lag + " for the replica (limit " + maxLag + ")";
        }
        return null;
    }

    private void withReplica(Health.Builder health) {
        if (replica != null) {
            health.withDetail("replica", replica);
        }
    }

    private static void withInstant(Health.Builder health, String key, Instant value) {
        if (value != null) {
            health.withDetail(key, value.toString());
        }
    }

    /** TXIDs as Litestream prints them. */
    static String txid(long txid) {
        return String.format("%016x", txid);
    }

    /** The query carries endpoint and tuning options, and is where anything secret would be. */
    static String withoutQuery(String url) {
        int end = url.length();
        for (char c : new char[] {'?', '#'}) {
            int at = url.indexOf(c);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return url.substring(0, end).replaceFirst("//[^/@]*@", "//");
    }
}
