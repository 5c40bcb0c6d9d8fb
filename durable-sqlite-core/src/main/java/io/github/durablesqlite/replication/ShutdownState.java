package io.github.durablesqlite.replication;

import io.github.durablesqlite.ltx.Crc64;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * What the replica held when the database file last matched it exactly: written after a clean
 * shutdown (final sync, then a TRUNCATE checkpoint) and after a restore. When SQLite has removed the
 * WAL in between, this is how the next start knows it may continue the TXID chain instead of
 * uploading a full copy: the file's size and checksum must still match.
 */
record ShutdownState(long txid, long size, long checksum) {
    private static final String FILE = "state";

    static ShutdownState read(Path stateDir) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(stateDir.resolve(FILE))) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            return new ShutdownState(Long.parseLong(properties.getProperty("txid")),
                    Long.parseLong(properties.getProperty("size")),
                    Long.parseUnsignedLong(properties.getProperty("checksum"), 16));
        } catch (RuntimeException e) {
            return null; // unreadable state only costs a full upload
        }
    }

    void write(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        Properties properties = new Properties();
        properties.setProperty("txid", Long.toString(txid));
        properties.setProperty("size", Long.toString(size));
        properties.setProperty("checksum", Long.toHexString(checksum));
        Path tmp = stateDir.resolve(FILE + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            properties.store(out, "durable-sqlite: the database file as of this TXID");
        }
        Files.move(tmp, stateDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static void delete(Path stateDir) throws IOException {
        Files.deleteIfExists(stateDir.resolve(FILE));
    }

    /** CRC-64 of the whole file, read through the given long-lived channel. */
    static long checksum(DatabaseFile db) throws IOException {
        int pageSize = Math.max(512, db.pageSize());
        long pages = (db.size() + pageSize - 1) / pageSize;
        byte[] page = new byte[pageSize];
        Crc64 crc = new Crc64();
        for (int pgno = 1; pgno <= pages; pgno++) {
            db.readPage(pgno, page);
            crc.update(page, 0, page.length);
        }
        return crc.value();
    }
}
