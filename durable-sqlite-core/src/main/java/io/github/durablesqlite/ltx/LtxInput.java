package io.github.durablesqlite.ltx;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that knows its file's name and its byte position, so that every error can say
 * which file and where. Reads are exact: a short file is reported as truncated, never padded.
 */
final class LtxInput {

    private final InputStream in;
    private final String name;
    private long position;

    LtxInput(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    String name() {
        return name;
    }

    /** Bytes consumed so far, which is the offset of the next byte in the file. */
    long position() {
        return position;
    }

    /** Reads exactly {@code len} bytes; {@code what} names them in the error if the file ends first. */
    void readFully(byte[] b, int off, int len, String what) throws IOException {
        int done = readUpTo(b, off, len);
        if (done < len) {
            throw truncated(what, done, len);
        }
    }

    /**
     * As {@link #readFully(byte[], int, int, String)} for a part of page {@code pgno}; the name
     * ("WHAT of page N") is only built for the error, as this runs several times per page.
     */
    void readFully(byte[] b, int off, int len, String what, int pgno) throws IOException {
        int done = readUpTo(b, off, len);
        if (done < len) {
            throw truncated(what + " of page " + pgno, done, len);
        }
    }

    private int readUpTo(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(b, off + done, len - done);
            if (n < 0) {
                return done;
            }
            done += n;
        }
        position += len;
        return done;
    }

    private LtxFormatException truncated(String what, int done, int len) {
        return fail(position + done, "file is truncated: it ends in " + what + ", "
                + (len - done) + " of " + len + " bytes missing");
    }

    /** One unsigned byte, for varints. */
    int readByte(String what) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw fail(position, "file is truncated: it ends in " + what);
        }
        position++;
        return b;
    }

    boolean atEnd() throws IOException {
        return in.read() < 0;
    }

    LtxFormatException fail(long offset, String problem) {
        return new LtxFormatException(name, offset, problem);
    }

    LtxFormatException fail(long offset, String problem, Throwable cause) {
        return new LtxFormatException(name, offset, problem, cause);
    }

    void close() throws IOException {
        in.close();
    }
}
