package io.github.durablesqlite.spring;

import com.zaxxer.hikari.HikariConfig;
import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.replication.ReplicationMetrics;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns {@link DurableSqliteProperties} into a {@link DurableDataSource}. The builder rejects bad
 * values with {@link IllegalArgumentException}s that do not know Spring's property names; each one
 * is rethrown here as an {@link InvalidDurableSqlitePropertyException} naming the property to fix.
 */
final class DurableDataSourceFactory {

    static final String PREFIX = "durable-sqlite.";
    static final String ACCESS_KEY_ID_VARIABLE = "LITESTREAM_ACCESS_KEY_ID";
    static final String SECRET_ACCESS_KEY_VARIABLE = "LITESTREAM_SECRET_ACCESS_KEY";

    private DurableDataSourceFactory() {
    }

    static DurableDataSource create(DurableSqliteProperties properties, ReplicationMetrics metrics,
                                    Map<String, String> environment) {
        String path = properties.getPath();
        String name = databaseName(path);
        String url = required(properties.getReplica().getUrl(), "replica.url",
                "where the replica lives, e.g. s3://my-bucket/app or file:///var/backups/app");
        DurableSqlite.Builder builder = DurableSqlite.configure();
        apply("path", () -> builder.path(path).name(name));
        apply("replica.url", () -> builder.replicaUrl(url));
        builder.environment(credentials(properties.getReplica(), environment));
        apply("sync-interval", () -> builder.syncInterval(properties.getSyncInterval()));
        apply("busy-timeout", () -> builder.busyTimeout(properties.getBusyTimeout()));
        apply("close-timeout", () -> builder.closeTimeout(properties.getCloseTimeout()));
        apply("durability", () -> builder.durability(properties.getDurability()));
        apply("commit-timeout", () -> builder.commitTimeout(properties.getCommitTimeout()));
        apply("max-lag", () -> builder.maxLag(properties.getMaxLag()));
        apply("max-lag-policy", () -> builder.maxLagPolicy(properties.getMaxLagPolicy()));
        apply("page-encoding", () -> builder.pageEncoding(properties.getPageEncoding()));
        apply("checkpoint-pages", () -> builder.checkpointPages(properties.getCheckpointPages()));
        apply("pool.maximum-pool-size", () -> builder.maximumPoolSize(properties.getPool().getMaximumPoolSize()));
        apply("compaction-intervals", () -> builder.compactionIntervals(
                properties.getCompactionIntervals().toArray(new java.time.Duration[0])));
        apply("snapshot.interval", () -> builder.snapshotInterval(properties.getSnapshot().getInterval()));
        apply("snapshot.retention", () -> builder.retention(properties.getSnapshot().getRetention()));
        apply("l0-retention", () -> builder.l0Retention(properties.getL0Retention()));
        apply("verify-interval", () -> builder.verifyInterval(properties.getVerifyInterval()));
        builder.restoreIfMissing(properties.getRestore().isIfMissing());
        builder.lease(properties.getLease().isEnabled());
        apply("lease.ttl", () -> builder.leaseTtl(properties.getLease().getTtl()));
        if (properties.getStateDir() != null) {
            apply("state-dir", () -> builder.stateDir(Path.of(properties.getStateDir())));
        }
        builder.pool(poolSettings(properties.getPool()));
        builder.metrics(metrics);
        return builder.build();
    }

    /**
     * The label of the database in logs and metrics: its file name, as the engine names it. Checks
     * that the path is set, as the meter binder needs the name before the DataSource is built.
     */
    static String databaseName(String path) {
        required(path, "path", "the SQLite database file, e.g. data/app.db");
        try {
            Path fileName = Path.of(path).getFileName();
            if (fileName == null || fileName.toString().isBlank()) {
                throw new InvalidDurableSqlitePropertyException(PREFIX + "path",
                        "'" + path + "' names no file; set it to the SQLite database file, e.g. data/app.db");
            }
            return fileName.toString();
        } catch (InvalidPathException e) {
            throw new InvalidDurableSqlitePropertyException(PREFIX + "path", e.getMessage(), e);
        }
    }

    /**
     * Credentials given as properties go to the replica client the way the CLI receives them, as
     * LITESTREAM_* variables; everything else in the environment (AWS_REGION, ...) still applies.
     */
    private static Map<String, String> credentials(DurableSqliteProperties.Replica replica,
                                                   Map<String, String> environment) {
        boolean hasId = hasText(replica.getAccessKeyId());
        boolean hasSecret = hasText(replica.getSecretAccessKey());
        if (hasId != hasSecret) {
            String missing = hasId ? "replica.secret-access-key" : "replica.access-key-id";
            String present = hasId ? "replica.access-key-id" : "replica.secret-access-key";
            throw new InvalidDurableSqlitePropertyException(PREFIX + missing,
                    "must be set together with " + PREFIX + present + " (or remove both to use "
                            + ACCESS_KEY_ID_VARIABLE + "/" + SECRET_ACCESS_KEY_VARIABLE + " or the AWS default chain)");
        }
        if (!hasId) {
            return environment;
        }
        Map<String, String> merged = new HashMap<>(environment);
        merged.put(ACCESS_KEY_ID_VARIABLE, replica.getAccessKeyId());
        merged.put(SECRET_ACCESS_KEY_VARIABLE, replica.getSecretAccessKey());
        return merged;
    }

    private static Consumer<HikariConfig> poolSettings(DurableSqliteProperties.Pool pool) {
        String name = pool.getName();
        if (name != null && name.isBlank()) {
            throw new InvalidDurableSqlitePropertyException(PREFIX + "pool.name", "must not be blank");
        }
        Long timeoutMillis = pool.getConnectionTimeout() == null ? null : pool.getConnectionTimeout().toMillis();
        return config -> {
            if (name != null) {
                config.setPoolName(name);
            }
            if (timeoutMillis != null) {
                apply("pool.connection-timeout", () -> config.setConnectionTimeout(timeoutMillis));
            }
        };
    }

    private static String required(String value, String property, String example) {
        if (!hasText(value)) {
            throw new InvalidDurableSqlitePropertyException(PREFIX + property, "is required: " + example);
        }
        return value;
    }

    private static void apply(String property, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException e) {
            throw new InvalidDurableSqlitePropertyException(PREFIX + property, e.getMessage(), e);
        } catch (NullPointerException e) {
            // A property set to an empty value binds as null.
            throw new InvalidDurableSqlitePropertyException(PREFIX + property, "must not be empty", e);
        }
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
