package io.github.durablesqlite.replica;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One byte range of a file as a stream. A multipart part is sent from here rather than from a
 * buffer, so an upload never holds a part in memory and the SDK can reopen it to retry.
 */
final class FileRangeStream extends InputStream {

    private final FileChannel channel;
    private long position;
    private final long end;

    private FileRangeStream(FileChannel channel, long offset, long length) {
        this.channel = channel;
        this.position = offset;
        this.end = offset + length;
    }

    static InputStream open(Path file, long offset, long length) {
        try {
            return new FileRangeStream(FileChannel.open(file, StandardOpenOption.READ), offset, length);
        } catch (IOException e) {
            // The SDK's ContentStreamProvider cannot throw checked exceptions.
            throw new UncheckedIOException("cannot reopen " + file + " to upload it", e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        long left = end - position;
        if (left <= 0) {
            return -1;
        }
        int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, left)), position);
        if (n < 0) {
            throw new IOException("file shrank during upload: no bytes at offset " + position);
        }
        position += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, end - position));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, end - position);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
