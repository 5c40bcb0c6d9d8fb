package io.github.durablesqlite.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Read access to the main database file through ONE channel kept open for the life of the
 * replicator: closing any descriptor of the file in this process would drop every POSIX lock SQLite
 * holds on it, so the file is never opened and closed per read.
 */
final class DatabaseFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;

    DatabaseFile(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
    }

    Path path() {
        return path;
    }

    long size() throws IOException {
        return channel.size();
    }

    /** Page size from the database header (bytes 16-17; 1 means 65536), or 0 for an empty file. */
    int pageSize() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(2);
        if (channel.read(header, 16) < 2) {
            return 0;
        }
        int value = header.getShort(0) & 0xFFFF;
        return value == 1 ? 65536 : value;
    }

    /** Reads page {@code pgno}; the part beyond the end of the file reads as zeros, as SQLite does. */
    void readPage(int pgno, byte[] dst) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(dst);
        long position = (long) (pgno - 1) * dst.length;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                Arrays.fill(dst, buffer.position(), dst.length, (byte) 0);
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
