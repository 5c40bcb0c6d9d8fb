package io.github.durablesqlite.ltx;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Reads one LTX file from a stream, in one pass and in O(page) memory: the header at construction,
 * then pages one by one with {@link #nextPage(byte[])}, then the index and trailer with
 * {@link #finish()}. Both page encodings are read, chosen per page by its flags.
 *
 * <p>Every structural rule is checked as the bytes arrive, and each failure is an
 * {@link LtxFormatException} naming the file and the byte offset. The file checksum can only be
 * checked at the end: pages returned before {@link #finish()} has returned are not yet proven
 * intact, so a consumer must not commit to them until then. After a failure the decoder is unusable.
 */
public final class LtxDecoder implements Closeable {

    private enum State { PAGES, END_OF_PAGES, FINISHED, FAILED }

    private final LtxInput in;
    private final LtxHeader header;
    private final Crc64 crc = new Crc64();
    private final PageOrder order;
    private final PageFrameReader frames;
    private final PageIndexVerifier index = new PageIndexVerifier();
    private final byte[] pageHeader = new byte[PageFrameWriter.PAGE_HEADER_SIZE];
    private State state = State.PAGES;
    private LtxTrailer trailer;

    /** Reads and validates the header; {@code name} (e.g. the object key) is used in every error. */
    public LtxDecoder(InputStream in, String name) throws IOException {
        this.in = new LtxInput(Objects.requireNonNull(in, "in"), Objects.requireNonNull(name, "name"));
        this.header = readHeader();
        this.order = new PageOrder(header);
        this.frames = new PageFrameReader(this.in, header.pageSize());
    }

    public LtxHeader header() {
        return header;
    }

    public String name() {
        return in.name();
    }

    /**
     * Decodes the next page into {@code dst}, whose length must be the page size, and returns its
     * page number; returns 0 once the pages are exhausted (and on every later call).
     */
    public int nextPage(byte[] dst) throws IOException {
        if (dst.length != header.pageSize()) {
            throw new IllegalArgumentException("buffer has " + dst.length + " bytes, expected the page size "
                    + header.pageSize());
        }
        if (state == State.END_OF_PAGES || state == State.FINISHED) {
            return 0;
        }
        requireState(State.PAGES);
        try {
            return readPage(dst);
        } catch (IOException | RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
    }

    /**
     * Reads any pages not yet read, the page index and the trailer, and verifies the index against
     * the frames, the index length field, the trailer, the file checksum, and that nothing follows.
     * When it returns, the whole file has been verified. Calling it again returns the same trailer.
     */
    public LtxTrailer finish() throws IOException {
        if (state == State.FINISHED) {
            return trailer;
        }
        if (state == State.PAGES) {
            byte[] page = new byte[header.pageSize()];
            while (nextPage(page) != 0) {
                // Pages read only to verify them.
            }
        }
        requireState(State.END_OF_PAGES);
        try {
            index.verify(in, crc);
            trailer = readTrailer();
        } catch (IOException | RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
        state = State.FINISHED;
        return trailer;
    }

    /** Closes the underlying stream. */
    @Override
    public void close() throws IOException {
        in.close();
    }

    private LtxHeader readHeader() throws IOException {
        byte[] b = new byte[LtxHeader.SIZE];
        in.readFully(b, 0, b.length, "the " + LtxHeader.SIZE + "-byte header");
        if (!HeaderCodec.hasMagic(b)) {
            throw in.fail(0, String.format("magic is 0x%02x%02x%02x%02x, expected \"LTX1\"", b[0], b[1], b[2], b[3]));
        }
        LtxHeader h = HeaderCodec.decode(b);
        LtxHeader.Problem problem = h.problem();
        if (problem != null) {
            throw in.fail(problem.offset(), problem.message());
        }
        crc.update(b, 0, b.length);
        return h;
    }

    private int readPage(byte[] dst) throws IOException {
        long at = in.position();
        in.readFully(pageHeader, 0, pageHeader.length, "a page header");
        crc.update(pageHeader, 0, pageHeader.length);
        int pgno = PageFrameWriter.getInt(pageHeader, 0);
        int flags = (pageHeader[4] & 0xFF) << 8 | (pageHeader[5] & 0xFF);
        if (pgno == 0 && flags == 0) {
            String problem = order.endProblem();
            if (problem != null) {
                throw in.fail(at, problem);
            }
            state = State.END_OF_PAGES;
            return 0;
        }
        if (flags != PageEncoding.BLOCK.pageFlags() && flags != PageEncoding.FRAME.pageFlags()) {
            throw in.fail(at + 4, String.format("page %s has page flags 0x%04x, expected 0x0000 (LZ4 frame) or "
                    + "0x0001 (LZ4 block)", Integer.toUnsignedString(pgno), flags));
        }
        String problem = order.problem(pgno);
        if (problem != null) {
            throw in.fail(at, problem);
        }
        frames.read(pgno, flags, dst, crc);
        crc.update(dst, 0, dst.length);
        order.accept(pgno);
        index.addFrame(pgno, at, in.position() - at);
        return pgno;
    }

    private LtxTrailer readTrailer() throws IOException {
        long at = in.position();
        byte[] b = new byte[LtxTrailer.SIZE];
        in.readFully(b, 0, b.length, "the " + LtxTrailer.SIZE + "-byte trailer");
        crc.update(b, 0, Long.BYTES);
        long postApply = getLong(b, 0);
        long fileChecksum = getLong(b, 8);
        if (postApply != 0) {
            throw in.fail(at, String.format(
                    "post-apply checksum is %016x, expected 0 with the no-checksum flag", postApply));
        }
        if (fileChecksum >= 0) {
            throw in.fail(at + 8, String.format("file checksum %016x lacks its bit-63 flag", fileChecksum));
        }
        long computed = Long.MIN_VALUE | crc.value();
        if (fileChecksum != computed) {
            throw in.fail(at + 8, String.format(
                    "file checksum mismatch: trailer has %016x, content gives %016x", fileChecksum, computed));
        }
        if (!in.atEnd()) {
            throw in.fail(at + LtxTrailer.SIZE, "unexpected data after the trailer");
        }
        return new LtxTrailer(postApply, fileChecksum);
    }

    private void requireState(State expected) {
        if (state != expected) {
            throw new IllegalStateException("LTX decoder for " + in.name() + " cannot continue: "
                    + (state == State.FAILED ? "it failed earlier" : "it is " + state));
        }
    }

    private static long getLong(byte[] b, int off) {
        return (long) PageFrameWriter.getInt(b, off) << 32 | (PageFrameWriter.getInt(b, off + 4) & 0xFFFFFFFFL);
    }
}
