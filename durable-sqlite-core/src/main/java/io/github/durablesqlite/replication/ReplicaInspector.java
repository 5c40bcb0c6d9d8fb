package io.github.durablesqlite.replication;

import io.github.durablesqlite.ltx.LtxDecoder;
import io.github.durablesqlite.ltx.LtxFormatException;
import io.github.durablesqlite.ltx.LtxHeader;
import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Read-only questions about a replica and staged files that both the replicator and restorer ask. */
final class ReplicaInspector {
    /** Levels in the replica: 0 for per-sync files, 1..8 compactions, 9 snapshots. */
    static final int MAX_LEVEL = 9;

    private ReplicaInspector() {}

    /** Every file at every level. */
    static List<LtxFileInfo> allFiles(ReplicaClient client, boolean withTimestamps) throws IOException {
        return client.listAllFiles(MAX_LEVEL, withTimestamps);
    }

    /** The newest TXID in the replica, 0 when it is empty. */
    static long maxTxid(ReplicaClient client) throws IOException {
        long max = 0;
        for (LtxFileInfo file : allFiles(client, false)) {
            max = Math.max(max, file.maxTxid());
        }
        return max;
    }

    /**
     * Header of the file ending at {@code maxTxid}, found in the index, preferring level 0 (whose
     * WAL fields say where replication stopped) and its local copy (no request); null if none.
     */
    static LtxHeader headerOf(ReplicaClient client, ReplicaIndex index, LocalLtxCache cache, long maxTxid)
            throws IOException {
        for (int level = 0; level <= MAX_LEVEL; level++) {
            for (LtxFileInfo file : index.files(level)) {
                if (file.maxTxid() != maxTxid) {
                    continue;
                }
                Path local = level == 0 ? cache.find(file.minTxid(), file.maxTxid()) : null;
                if (local != null) {
                    return headerOf(local);
                }
                try (InputStream in = client.openFile(level, file.minTxid(), file.maxTxid());
                     LtxDecoder decoder = new LtxDecoder(in, describe(client, file))) {
                    return checkNamed(decoder.header(), file, decoder.name());
                }
            }
        }
        return null;
    }

    static LtxHeader headerOf(Path staged) throws IOException {
        try (InputStream in = Files.newInputStream(staged);
             LtxDecoder decoder = new LtxDecoder(in, staged.toString())) {
            return decoder.header();
        }
    }

    /**
     * Rejects a file whose header holds other TXIDs than its name says: a valid LTX file copied or
     * uploaded under the wrong name would otherwise be applied as the state its name promises.
     */
    static LtxHeader checkNamed(LtxHeader header, LtxFileInfo file, String name) throws LtxFormatException {
        if (header.minTxid() != file.minTxid() || header.maxTxid() != file.maxTxid()) {
            throw new LtxFormatException(name, 16, String.format("the header holds TXIDs %016x-%016x but the name "
                    + "says %016x-%016x; the object does not belong at this name (copied or uploaded by another tool?)",
                    header.minTxid(), header.maxTxid(), file.minTxid(), file.maxTxid()));
        }
        return header;
    }

    /** Names a replica file in messages the way an operator would look for it. */
    static String describe(ReplicaClient client, LtxFileInfo file) {
        return client.describe() + " level " + file.level() + " " + Staging.fileName(file.minTxid(), file.maxTxid());
    }
}
