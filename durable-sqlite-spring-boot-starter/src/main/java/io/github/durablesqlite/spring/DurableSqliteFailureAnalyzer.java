package io.github.durablesqlite.spring;

import io.github.durablesqlite.DurableSqliteException;
import io.github.durablesqlite.ReplicaLeaseException;
import io.github.durablesqlite.ReplicationException;
import io.github.durablesqlite.RestoreException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a durable-sqlite start-up failure in the "APPLICATION FAILED TO START" report: what went
 * wrong, in the engine's words, and which {@code durable-sqlite.*} property to look at.
 */
class DurableSqliteFailureAnalyzer extends AbstractFailureAnalyzer<DurableSqliteException> {

    private static final String CREDENTIALS = "the replica credentials (durable-sqlite.replica.access-key-id and "
            + "durable-sqlite.replica.secret-access-key, else LITESTREAM_ACCESS_KEY_ID and "
            + "LITESTREAM_SECRET_ACCESS_KEY, else the AWS default credentials chain)";

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DurableSqliteException cause) {
        if (cause instanceof InvalidDurableSqlitePropertyException invalid) {
            return new FailureAnalysis("The durable-sqlite property '" + invalid.getProperty() + "' "
                    + describe(invalid.getReason()), action(invalid.getProperty()), cause);
        }
        if (cause instanceof RestoreException) {
            return new FailureAnalysis("The database could not be restored from its replica: " + cause.getMessage(),
                    "Check durable-sqlite.replica.url and " + CREDENTIALS + ". To start with an empty database "
                            + "instead, and only if the replica holds nothing you need, set "
                            + "durable-sqlite.restore.if-missing=false.", cause);
        }
        if (cause instanceof ReplicaLeaseException) {
            return new FailureAnalysis("Another instance replicates to the same replica: " + cause.getMessage(),
                    "Stop the other instance (a clean shutdown releases the replica at once) or, if it was killed, "
                            + "wait until its lease expires (durable-sqlite.lease.ttl after its last renewal). If "
                            + "this instance should use a replica of its own, fix durable-sqlite.replica.url. Only "
                            + "if two writers are intended and safe, set durable-sqlite.lease.enabled=false.", cause);
        }
        if (cause instanceof ReplicationException) {
            return new FailureAnalysis("Replication of the database could not start: " + cause.getMessage(),
                    "Check that durable-sqlite.path names a SQLite database file (or none yet) in a directory "
                            + "this process can write, that durable-sqlite.state-dir is writable if set, and "
                            + "durable-sqlite.replica.url and " + CREDENTIALS + ".", cause);
        }
        return new FailureAnalysis("durable-sqlite failed: " + cause.getMessage(),
                "Check the durable-sqlite.* properties.", cause);
    }

    private static String describe(String reason) {
        return reason.startsWith("is required") || reason.startsWith("must ")
                ? reason : "has an invalid value: " + reason;
    }

    private static String action(String property) {
        return switch (property) {
            case "durable-sqlite.path" -> "Set durable-sqlite.path to the SQLite database file, e.g. "
                    + "durable-sqlite.path=data/app.db (or durable-sqlite.enabled=false to define the DataSource "
                    + "yourself).";
            case "durable-sqlite.replica.url" -> "Set durable-sqlite.replica.url to a replica URL as Litestream "
                    + "spells it: s3://BUCKET/PREFIX (add ?endpoint=http://HOST:PORT&force-path-style=true for an "
                    + "S3-compatible server) or file:///absolute/dir.";
            case "durable-sqlite.replica.access-key-id", "durable-sqlite.replica.secret-access-key" ->
                    "Set both durable-sqlite.replica.access-key-id and durable-sqlite.replica.secret-access-key, or "
                            + "neither to use LITESTREAM_ACCESS_KEY_ID/LITESTREAM_SECRET_ACCESS_KEY or the AWS "
                            + "default credentials chain.";
            default -> "Fix the value of " + property + " (see the durable-sqlite configuration reference).";
        };
    }
}
