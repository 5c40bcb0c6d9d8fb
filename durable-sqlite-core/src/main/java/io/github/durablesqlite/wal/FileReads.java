package io.github.durablesqlite.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Positional reads that do not stop at a short read. */
final class FileReads {
    private FileReads() {
    }

    /**
     * Reads from {@code position} until {@code buffer} is full or the file ends.
     *
     * @return the number of bytes read, less than requested only at end of file
     */
    static int readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        int total = 0;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
