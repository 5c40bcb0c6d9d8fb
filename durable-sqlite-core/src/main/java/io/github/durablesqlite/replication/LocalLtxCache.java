package io.github.durablesqlite.replication;

import io.github.durablesqlite.replica.LtxFileInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Level-0 files kept on local disk after their upload, until a level-1 file that covers them is in
 * the replica: level-1 compaction then reads them here instead of downloading them again.
 *
 * <p>Every step is a rename or a delete, so a crash at any point leaves a state that
 * {@link #recover} repairs at the next start: a file uploaded but still in staging is moved here,
 * files already covered by level 1 are deleted, and files the replica no longer has are dropped.
 */
final class LocalLtxCache {
    private final Staging files;

    LocalLtxCache(Path dir) throws IOException {
        this.files = new Staging(dir);
    }

    Path dir() {
        return files.dir();
    }

    /**
     * Moves an uploaded staged file here (a rename within the state directory). Not fsynced: if a
     * crash undoes the rename, the file is back in staging, and {@link #recover} moves it here again.
     */
    void keep(Staging.StagedFile staged) throws IOException {
        Path target = files.dir().resolve(staged.path().getFileName());
        Files.move(staged.path(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The local copy of a level-0 file, or null. */
    Path find(long minTxid, long maxTxid) {
        Path path = files.dir().resolve(Staging.fileName(minTxid, maxTxid));
        return Files.isRegularFile(path) ? path : null;
    }

    /** Deletes the copies that a level-1 file up to {@code maxTxid} has made unnecessary. */
    void removeUpTo(long maxTxid) throws IOException {
        for (Staging.StagedFile file : files.pending()) {
            if (file.maxTxid() <= maxTxid) {
                files.remove(file);
            }
        }
    }

    List<Staging.StagedFile> list() throws IOException {
        return files.pending();
    }

    /**
     * Repairs what a crash left: keeps only copies of level-0 files the replica holds and level 1
     * does not cover yet.
     */
    void recover(Collection<LtxFileInfo> remoteLevel0, long level1MaxTxid) throws IOException {
        Set<String> remote = new HashSet<>();
        for (LtxFileInfo file : remoteLevel0) {
            remote.add(file.fileName());
        }
        for (Staging.StagedFile file : files.pending()) {
            if (file.maxTxid() <= level1MaxTxid || !remote.contains(file.path().getFileName().toString())) {
                files.remove(file);
            }
        }
    }
}
