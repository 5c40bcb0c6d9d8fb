package io.github.durablesqlite;

import java.time.Duration;
import java.time.Instant;

/**
 * A moment's view of replication.
 *
 * @param localTxid          newest TXID staged locally (committed data captured from the WAL)
 * @param remoteTxid         newest TXID known to be in the replica
 * @param lastUploadAt       when the last upload succeeded, or null
 * @param lastSyncAt         when the WAL was last read, or null
 * @param syncs              how many syncs ran since start
 * @param failedUploads      consecutive failed upload attempts (0 when the replica is reachable)
 * @param lastError          the last sync or upload error, or null once it succeeded again
 */
public record ReplicationStatus(long localTxid, long remoteTxid, Instant lastUploadAt, Instant lastSyncAt,
                                long syncs, int failedUploads, String lastError) {

    /** TXIDs captured locally but not yet in the replica. */
    public long pendingTxids() {
        return Math.max(0, localTxid - remoteTxid);
    }

    /** Time since the last successful upload while something is pending; zero when caught up. */
    public Duration lag(Instant now) {
        if (pendingTxids() == 0 || lastUploadAt == null) {
            return Duration.ZERO;
        }
        return Duration.between(lastUploadAt, now);
    }
}
