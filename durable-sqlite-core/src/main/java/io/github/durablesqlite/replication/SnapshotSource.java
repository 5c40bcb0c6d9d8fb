package io.github.durablesqlite.replication;

import io.github.durablesqlite.ltx.LtxHeader;
import java.io.IOException;
import java.io.OutputStream;

/** Where level-9 snapshots come from: the replicated database itself, as Litestream takes them. */
interface SnapshotSource {

    /** The newest TXID captured from the database (staged, not necessarily uploaded yet). */
    long currentTxid();

    /**
     * Writes a snapshot (TXIDs 1 to the current one, every page) of the state at the current TXID.
     *
     * @return its header, or null when the database has nothing to snapshot yet
     */
    LtxHeader writeSnapshot(OutputStream out) throws IOException;
}
