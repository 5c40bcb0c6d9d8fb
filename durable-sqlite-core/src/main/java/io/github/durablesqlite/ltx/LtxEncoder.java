package io.github.durablesqlite.ltx;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes one LTX file to a stream: the header at construction, then each page as it is given,
 * then the page index and trailer on {@link #finish()}. Pages are compressed one at a time, so
 * memory is a few page-sized buffers plus the page index (about 10 bytes a page).
 *
 * <p>Misuse (a bad header, pages out of order, beyond the commit, the lock page, an incomplete
 * snapshot) is rejected before anything is written for it, so a rejected call leaves the output
 * as it was. After an {@link IOException} from the stream the encoder is unusable.
 */
public final class LtxEncoder implements PageSink, Closeable {

    private enum State { PAGES, FINISHED, FAILED, CLOSED }

    private final OutputStream out;
    private final LtxHeader header;
    private final PageEncoding encoding;
    private final PageOrder order;
    private final PageFrameWriter frames;
    private final PageIndexWriter index = new PageIndexWriter();
    private final Crc64 crc = new Crc64();
    private long position;
    private State state = State.PAGES;

    /**
     * Validates {@code header} (as {@link LtxDecoder} would; {@link IllegalArgumentException} if it
     * is not valid) and writes it.
     */
    public LtxEncoder(OutputStream out, LtxHeader header, PageEncoding encoding) throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        this.header = Objects.requireNonNull(header, "header");
        this.encoding = Objects.requireNonNull(encoding, "encoding");
        LtxHeader.Problem problem = header.problem();
        if (problem != null) {
            throw new IllegalArgumentException("invalid LTX header: " + problem.message());
        }
        this.order = new PageOrder(header);
        this.frames = new PageFrameWriter(encoding, header.pageSize());
        byte[] bytes = HeaderCodec.encode(header);
        crc.update(bytes, 0, bytes.length);
        write(bytes, bytes.length);
    }

    public LtxHeader header() {
        return header;
    }

    public PageEncoding encoding() {
        return encoding;
    }

    /** Bytes written to the stream so far; after {@link #finish()}, the size of the file. */
    public long size() {
        return position;
    }

    /**
     * Compresses and writes one page. Rejects with {@link IllegalArgumentException} a page of the
     * wrong length, page number 0, a page beyond the header's commit, the lock page, a page not
     * above the previous one, and in a snapshot any page other than the next one.
     */
    @Override
    public void writePage(int pgno, byte[] page) throws IOException {
        requireState();
        if (page.length != header.pageSize()) {
            throw new IllegalArgumentException("page " + Integer.toUnsignedString(pgno) + " has " + page.length
                    + " bytes, expected the page size " + header.pageSize());
        }
        String problem = order.problem(pgno);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        frames.encode(pgno, page, crc);
        long offset = position;
        write(frames.buffer(), frames.length());
        index.add(pgno, offset, frames.length());
        order.accept(pgno);
    }

    /**
     * Writes the end of the page block, the page index and the trailer, and flushes; {@code out}
     * stays open. Throws {@link IllegalStateException} if a snapshot lacks pages up to its commit.
     */
    public LtxTrailer finish() throws IOException {
        requireState();
        String problem = order.endProblem();
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        byte[] zeroPageHeader = new byte[PageFrameWriter.PAGE_HEADER_SIZE];
        crc.update(zeroPageHeader, 0, zeroPageHeader.length);
        write(zeroPageHeader, zeroPageHeader.length);

        index.finish();
        crc.update(index.buffer(), 0, index.size());
        write(index.buffer(), index.size());

        byte[] trailer = new byte[LtxTrailer.SIZE]; // post-apply checksum 0: no checksum tracking
        crc.update(trailer, 0, Long.BYTES);
        long fileChecksum = Long.MIN_VALUE | crc.value(); // bit 63 keeps a checksum from being 0
        PageFrameWriter.putInt(trailer, 8, (int) (fileChecksum >>> 32));
        PageFrameWriter.putInt(trailer, 12, (int) fileChecksum);
        write(trailer, trailer.length);
        flush();
        state = State.FINISHED;
        return new LtxTrailer(0, fileChecksum);
    }

    /** Releases the encoder; {@code out} is left open. A file not {@link #finish() finished} is incomplete. */
    @Override
    public void close() throws IOException {
        state = State.CLOSED;
    }

    private void requireState() {
        if (state != State.PAGES) {
            throw new IllegalStateException("LTX encoder for " + header.fileName() + " is "
                    + state.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private void write(byte[] b, int len) throws IOException {
        try {
            out.write(b, 0, len);
        } catch (IOException | RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
        position += len;
    }

    private void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException | RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
    }
}
