package io.github.durablesqlite.replication;

import io.github.durablesqlite.ltx.LtxHeader;
import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Writes level-9 snapshots: a full copy of the database as TXIDs 1 to the current one, so a
 * restore starts from one recent file instead of the beginning of history. Skipped when nothing
 * was committed since the newest snapshot, so an idle database costs nothing.
 */
final class Snapshots {
    private final SnapshotSource source;
    private final ReplicaClient client;
    private final ReplicaIndex index;
    private final Path workDir;
    private final ReplicationMetrics metrics;

    Snapshots(SnapshotSource source, ReplicaClient client, ReplicaIndex index, Path workDir,
              ReplicationMetrics metrics) {
        this.source = source;
        this.client = client;
        this.index = index;
        this.workDir = workDir;
        this.metrics = metrics;
    }

    /** Whether the newest snapshot is older than the database's current state. */
    boolean needed() {
        LtxFileInfo last = index.last(HistoryOptions.SNAPSHOT_LEVEL);
        long current = source.currentTxid();
        return current > 0 && (last == null || last.maxTxid() < current);
    }

    /** Writes and uploads a snapshot if one is needed; returns it, or null. */
    LtxFileInfo snapshot() throws IOException {
        if (!needed()) {
            return null;
        }
        long started = System.nanoTime();
        Files.createDirectories(workDir);
        Path file = Files.createTempFile(workDir, "snapshot-", ".tmp");
        try {
            LtxHeader header;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
                header = source.writeSnapshot(out);
            }
            if (header == null) {
                return null;
            }
            LtxFileInfo written = client.writeFile(HistoryOptions.SNAPSHOT_LEVEL, header.minTxid(), header.maxTxid(),
                    file, Instant.ofEpochMilli(header.timestamp()));
            index.add(written);
            metrics.compacted(HistoryOptions.SNAPSHOT_LEVEL, written.minTxid(), written.maxTxid(), written.size(),
                    System.nanoTime() - started);
            return written;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
