package io.github.durablesqlite.cli;

import io.github.durablesqlite.replication.Replicator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * Tells a replicator when another process has written the database's WAL. In-process, the commit
 * hook signals every commit; from outside there is no hook, and the replicator would find a commit
 * only at its next timed sync, up to a sync interval later. Every frame SQLite writes changes the
 * WAL file's size or modification time, so one {@code stat} every 20 ms (no file descriptor is
 * opened: closing one on a SQLite file drops that process's locks on it) is enough, and costs no
 * object-store request. The replicator's own spacing still groups the signals of dense commits.
 */
final class WalWatcher implements AutoCloseable {
    private static final long POLL_MILLIS = 20;

    private final Path wal;
    private final Replicator replicator;
    private final Thread thread;
    private volatile boolean closed;

    WalWatcher(Path db, Replicator replicator) {
        this.wal = db.resolveSibling(db.getFileName() + "-wal");
        this.replicator = replicator;
        this.thread = new Thread(this::run, "durable-sqlite-wal-watcher-" + db.getFileName());
        thread.setDaemon(true);
    }

    WalWatcher start() {
        thread.start();
        return this;
    }

    private void run() {
        long size = -1;
        FileTime modified = null;
        while (!closed) {
            try {
                BasicFileAttributes now = Files.readAttributes(wal, BasicFileAttributes.class);
                if (modified != null && (now.size() != size || !now.lastModifiedTime().equals(modified))) {
                    replicator.signal();
                }
                size = now.size();
                modified = now.lastModifiedTime();
            } catch (NoSuchFileException e) {
                size = 0; // no WAL yet, or removed by a clean close: its creation is a change
                modified = FileTime.fromMillis(0);
            } catch (IOException e) {
                // an unreadable WAL is the replicator's to report; keep watching
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
