package io.github.durablesqlite.replication;

import io.github.durablesqlite.ltx.PageSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Writes a restore's pages into its temporary file. Pages arrive one at a time in ascending order,
 * mostly contiguous (a snapshot holds every page); writing each with its own system call made the
 * calls, not the disk, the cost of a restore, so contiguous pages are gathered into one large
 * write. Callers {@link #flush()} before anything else touches the file (truncate, fsync).
 */
final class RestoreFileWriter implements PageSink {
    /** Large enough that a write's fixed cost vanishes and holds the largest page (64 KiB) many times over. */
    private static final int BUFFER_BYTES = 1 << 20;

    private final FileChannel out;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    /** File offset of the buffer's first byte; meaningful only while the buffer holds something. */
    private long bufferStart;

    RestoreFileWriter(FileChannel out) {
        this.out = out;
    }

    @Override
    public void writePage(int pgno, byte[] page) throws IOException {
        long position = (Integer.toUnsignedLong(pgno) - 1) * page.length;
        if (buffer.position() > 0
                && (position != bufferStart + buffer.position() || buffer.remaining() < page.length)) {
            flush();
        }
        if (buffer.position() == 0) {
            bufferStart = position;
        }
        buffer.put(page);
    }

    /** Writes out whatever is gathered. */
    void flush() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        buffer.flip();
        long position = bufferStart;
        while (buffer.hasRemaining()) {
            position += out.write(buffer, position);
        }
        buffer.clear();
    }
}
