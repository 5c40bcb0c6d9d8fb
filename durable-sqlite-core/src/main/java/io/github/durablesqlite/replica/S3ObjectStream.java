package io.github.durablesqlite.replica;

import java.io.FilterInputStream;
import java.io.IOException;
import software.amazon.awssdk.core.ResponseInputStream;

/**
 * A downloaded object's body. Closing it before the end aborts the request: otherwise the HTTP
 * client would read the rest of the object just to reuse the connection.
 */
final class S3ObjectStream extends FilterInputStream {

    private final ResponseInputStream<?> response;
    private boolean atEnd;

    S3ObjectStream(ResponseInputStream<?> response) {
        super(response);
        this.response = response;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        atEnd |= b < 0;
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        atEnd |= n < 0;
        return n;
    }

    @Override
    public void close() throws IOException {
        if (!atEnd) {
            response.abort();
        }
        super.close();
    }
}
