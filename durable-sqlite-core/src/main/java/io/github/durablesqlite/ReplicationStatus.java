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
 * @param oldestPendingAt    when the oldest change not yet in the replica was committed (to within the
 *                           signal spacing, 100 ms), or null when the replica holds everything
 */
public record ReplicationStatus(long localTxid, long remoteTxid, Instant lastUploadAt, Instant lastSyncAt,
                                long syncs, int failedUploads, String lastError, Instant oldestPendingAt) {

    /** A status without the age of pending changes; {@link #lag} then counts from the last upload. */
    public ReplicationStatus(long localTxid, long remoteTxid, Instant lastUploadAt, Instant lastSyncAt, long syncs,
                             int failedUploads, String lastError) {
        this(localTxid, remoteTxid, lastUploadAt, lastSyncAt, syncs, failedUploads, lastError, null);
    }

    /** TXIDs captured locally but not yet in the replica. */
    public long pendingTxids() {
        return Math.max(0, localTxid - remoteTxid);
    }

    /**
     * How long the oldest change not yet in the replica has waited: what a crash now would lose at
     * most. Zero when caught up. Without {@link #oldestPendingAt}, the time since the last upload.
     */
    public Duration lag(Instant now) {
        if (oldestPendingAt != null) {
            return oldestPendingAt.isAfter(now) ? Duration.ZERO : Duration.between(oldestPendingAt, now);
        }
        if (pendingTxids() == 0 || lastUploadAt == null) {
            return Duration.ZERO;
        }
        return Duration.between(lastUploadAt, now);
    }
}
