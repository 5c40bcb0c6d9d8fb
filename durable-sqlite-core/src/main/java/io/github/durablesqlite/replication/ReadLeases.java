package io.github.durablesqlite.replication;

import io.github.durablesqlite.replica.LtxFileInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Files that a restore in this process is reading. Retention leaves them alone until the restore
 * lets go, so a restore drill never loses a file under its feet. (A restore in another process is
 * protected by the retention rules themselves and by the restorer planning again around a file
 * that vanished.)
 */
final class ReadLeases {
    private final Map<String, Integer> readers = new HashMap<>();

    /** Marks the files as being read until the returned lease is closed. */
    Lease acquire(Collection<LtxFileInfo> files) {
        List<String> keys = new ArrayList<>();
        synchronized (readers) {
            for (LtxFileInfo file : files) {
                String key = key(file);
                readers.merge(key, 1, Integer::sum);
                keys.add(key);
            }
        }
        return () -> {
            synchronized (readers) {
                for (String key : keys) {
                    readers.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
                }
            }
        };
    }

    boolean isLeased(LtxFileInfo file) {
        synchronized (readers) {
            return readers.containsKey(key(file));
        }
    }

    private static String key(LtxFileInfo file) {
        return file.level() + "/" + file.fileName();
    }

    /** Releases the files it marked; idempotent use is the caller's business (close once). */
    interface Lease extends AutoCloseable {
        @Override
        void close();
    }
}
