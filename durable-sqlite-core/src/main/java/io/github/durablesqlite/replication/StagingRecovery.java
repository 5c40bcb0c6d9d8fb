package io.github.durablesqlite.replication;

import io.github.durablesqlite.replica.LtxFileInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sorts out, when replication joins the replica, the local files a previous run left: staged files
 * and uploaded copies, whatever step a crash interrupted.
 */
final class StagingRecovery {
    private static final Logger log = LoggerFactory.getLogger(StagingRecovery.class);

    private StagingRecovery() {}

    /**
     * A staged file the replica already holds, of the same size, was uploaded just before a crash:
     * it joins the local cache instead of being sent again. If the replica moved on without the
     * others (another writer, or a restore elsewhere), uploading them would overwrite its history, so
     * they are dropped. Then the cache keeps only copies a compaction still needs.
     *
     * @param keepCopies whether a compaction level reads the cache at all
     * @return the staged files still to upload, in TXID order
     */
    static List<Staging.StagedFile> reconcile(String name, Staging staging, LocalLtxCache cache, ReplicaIndex replica,
                                              boolean keepCopies) throws IOException {
        Map<String, LtxFileInfo> remoteLevel0 = new HashMap<>();
        for (LtxFileInfo file : replica.files(0)) {
            remoteLevel0.put(file.fileName(), file);
        }
        List<Staging.StagedFile> staged = new ArrayList<>();
        for (Staging.StagedFile file : staging.pending()) {
            LtxFileInfo remote = remoteLevel0.get(file.path().getFileName().toString());
            if (remote != null && remote.size() == Files.size(file.path())) {
                log.info("{} - {} was uploaded before the last stop; keeping it as uploaded", name,
                        file.path().getFileName());
                cache.keep(file);
            } else {
                staged.add(file);
            }
        }
        // Compactions only merge uploaded files, so the lower levels end where the uploads did; a
        // snapshot may reach further (it is taken from the database), and conflicts with nothing.
        long compactedOrUploaded = 0;
        for (int level = 0; level < HistoryOptions.SNAPSHOT_LEVEL; level++) {
            compactedOrUploaded = Math.max(compactedOrUploaded, replica.maxTxid(level));
        }
        if (!staged.isEmpty() && staged.get(0).minTxid() <= compactedOrUploaded) {
            log.warn("{} - discarding {} staged files that conflict with the replica's TXID {}",
                    name, staged.size(), compactedOrUploaded);
            for (Staging.StagedFile file : staged) {
                staging.remove(file);
            }
            staged = List.of();
        }
        cache.recover(replica.files(0), keepCopies ? replica.maxTxid(1) : Long.MAX_VALUE);
        return staged;
    }
}
