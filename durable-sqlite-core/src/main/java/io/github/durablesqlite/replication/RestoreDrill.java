package io.github.durablesqlite.replication;

import io.github.durablesqlite.Verification;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restore drill: restores the replica's newest state into a scratch file the way a real restore
 * would (every file checksum verified, SQLite's integrity check), records the outcome and deletes
 * the file. It proves what a backup is for, that the data can come back, before it is needed.
 */
final class RestoreDrill {
    private static final Logger log = LoggerFactory.getLogger(RestoreDrill.class);

    private final String name;
    private final ReplicaClient client;
    private final ReadLeases leases;
    private final Path workDir;
    private final Clock clock;
    private final ReplicationMetrics metrics;
    private volatile Verification last;

    RestoreDrill(String name, ReplicaClient client, ReadLeases leases, Path workDir, Clock clock,
                 ReplicationMetrics metrics) {
        this.name = name;
        this.client = client;
        this.leases = leases;
        this.workDir = workDir;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The last drill's outcome, or null before the first. */
    Verification last() {
        return last;
    }

    Verification run() {
        long started = System.nanoTime();
        Verification result;
        Path scratch = null;
        try {
            Files.createDirectories(workDir);
            scratch = Files.createTempDirectory(workDir, "drill-");
            Restorer.Result restored = new Restorer(client, ReplicationMetrics.NONE, leases)
                    .restore(scratch.resolve("drill.db"), null, null, null, null);
            result = new Verification(clock.instant(), true, restored.txid(), restored.timestamp(), restored.size(),
                    restored.files(), Duration.ofNanos(System.nanoTime() - started), null);
            log.info("{} - restore drill passed: TXID {} ({} bytes, {} files) in {} ms", name,
                    String.format("%016x", restored.txid()), restored.size(), restored.files(),
                    result.duration().toMillis());
        } catch (IOException | RuntimeException e) {
            result = new Verification(clock.instant(), false, 0, null, 0, 0,
                    Duration.ofNanos(System.nanoTime() - started), e.getMessage());
            log.error("{} - restore drill FAILED for {}: {}", name, client.describe(), e.getMessage());
        } finally {
            deleteQuietly(scratch);
        }
        // Counted before it is published: whoever sees the outcome (health, a test) sees it counted too.
        metrics.verified(result.ok(), result.txid(), result.duration().toNanos());
        last = result;
        return result;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a scratch directory under the state directory; the next drill uses a new one
        }
    }
}
