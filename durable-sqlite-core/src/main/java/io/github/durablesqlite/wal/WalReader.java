package io.github.durablesqlite.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a SQLite {@code -wal} file with positional reads: its header, the committed frames after a
 * position, and page data. Opening, reading and closing the {@code -wal} file is safe next to SQLite
 * in the same JVM (SQLite keeps no POSIX locks on it); this class never touches the main database file.
 *
 * <p>The file may be absent: SQLite creates the WAL on the first write and deletes it when the last
 * connection closes. The reader keeps the file open between calls and reopens it when the path
 * names a different file, so a WAL that was deleted and created anew is never read through a stale
 * descriptor.
 *
 * <p>Frames read by {@link #readPage} stay valid only while SQLite does not restart the WAL; the
 * caller prevents that by holding a read transaction. Methods are synchronized.
 */
public final class WalReader implements Closeable {
    private final Path walFile;
    private final FrameScanner scanner = new FrameScanner();
    private FileChannel channel;
    private Object fileKey;
    // The header of the generation the last scan saw; readPage checks frames against its salts.
    private WalHeader scannedHeader;
    private ByteBuffer frameBuffer = ByteBuffer.allocate(0);
    private boolean closed;

    /** Creates a reader for {@code walFile}, which need not exist yet. Opens nothing until used. */
    public WalReader(Path walFile) throws IOException {
        this.walFile = Objects.requireNonNull(walFile, "walFile");
    }

    /** The file this reader reads. */
    public Path path() {
        return walFile;
    }

    /**
     * The current WAL header, or empty if the file is missing, shorter than 32 bytes, or its header
     * is invalid (SQLite has not written one yet, or it was zeroed or truncated).
     */
    public synchronized Optional<WalHeader> readHeader() throws IOException {
        FileChannel ch = currentChannel();
        return ch == null ? Optional.empty() : Optional.ofNullable(readValidHeader(ch));
    }

    /**
     * Scans the committed frames after {@code from}.
     *
     * <p>With {@code from == null} the scan begins at the first frame. If {@code from}'s salts differ
     * from the current header's, the WAL has been restarted since: the scan begins at the first frame
     * and {@link WalScan#restarted()} is true. Otherwise it resumes at {@code from.offset()} with
     * {@code from}'s running checksum and reads only the frames after it.
     *
     * @return the scan, or {@code null} if there is no valid WAL header (see {@link #readHeader()})
     * @throws IllegalArgumentException if {@code from} is under the current salts but not on a frame boundary
     */
    public synchronized WalScan scan(WalPosition from) throws IOException {
        FileChannel ch = currentChannel();
        if (ch == null) {
            scannedHeader = null;
            return null;
        }
        // Size first: frames appended after this are left for the next scan.
        long size = ch.size();
        WalHeader header = readValidHeader(ch);
        scannedHeader = header;
        if (header == null) {
            return null;
        }
        boolean restarted = from != null && !header.sameSalts(from);
        WalPosition start = from == null || restarted ? WalPosition.start(header) : from;
        if ((start.offset() - WalHeader.SIZE) % header.frameSize() != 0) {
            throw new IllegalArgumentException("WAL position offset " + start.offset()
                    + " is not on a frame boundary for page size " + header.pageSize() + " in " + walFile);
        }
        return scanner.scan(ch, size, header, start, restarted);
    }

    /**
     * The position at {@code offset} in the current WAL generation, if its salts are the given ones
     * and a transaction commits exactly there; null otherwise. Lets a restarted replicator find
     * where it stopped from the WAL fields of the last LTX file it wrote.
     */
    public synchronized WalPosition positionAt(int salt1, int salt2, long offset) throws IOException {
        FileChannel ch = currentChannel();
        WalHeader header = ch == null ? null : readValidHeader(ch);
        if (header == null || header.salt1() != salt1 || header.salt2() != salt2) {
            return null;
        }
        WalPosition start = WalPosition.start(header);
        if (offset == start.offset()) {
            return start;
        }
        if (offset < start.offset() || (offset - start.offset()) % header.frameSize() != 0 || offset > ch.size()) {
            return null;
        }
        WalScan scan = scanner.scan(ch, offset, header, start, false);
        scannedHeader = header;
        return scan.end().offset() == offset ? scan.end() : null;
    }

    /**
     * Reads the page whose data starts at {@code dataOffset} (a value of {@link WalScan#pages()})
     * into the first page-size bytes of {@code dst}.
     *
     * @throws WalFormatException if the frame is cut short, or carries salts other than those of the
     *                            last scan (the WAL was restarted and the frame overwritten)
     * @throws IllegalArgumentException if {@code dst} is smaller than a page or the offset is not
     *                                  where page data starts
     */
    public synchronized void readPage(long dataOffset, byte[] dst) throws IOException {
        ensureOpen();
        WalHeader header = scannedHeader;
        FileChannel ch = channel;
        if (header == null || ch == null) {
            // No scan to read pages of; still serve a caller that computed offsets itself.
            ch = currentChannel();
            header = ch == null ? null : readValidHeader(ch);
            if (header == null) {
                throw new WalFormatException(walFile + " has no valid WAL header to read pages under");
            }
        }
        int frameSize = header.frameSize();
        long frameOffset = dataOffset - WalFrameHeader.SIZE;
        if (frameOffset < WalHeader.SIZE || (frameOffset - WalHeader.SIZE) % frameSize != 0) {
            throw new IllegalArgumentException("offset " + dataOffset + " is not where page data starts in "
                    + walFile + " (page size " + header.pageSize() + ")");
        }
        if (dst.length < header.pageSize()) {
            throw new IllegalArgumentException("destination holds " + dst.length + " bytes, a page is "
                    + header.pageSize());
        }
        if (frameBuffer.capacity() < frameSize) {
            frameBuffer = ByteBuffer.allocate(frameSize);
        }
        frameBuffer.clear().limit(frameSize);
        int read = FileReads.readFully(ch, frameBuffer, frameOffset);
        if (read < frameSize) {
            throw new WalFormatException("WAL " + walFile + " ends at offset " + (frameOffset + read)
                    + ", inside the frame at offset " + frameOffset);
        }
        byte[] bytes = frameBuffer.array();
        WalFrameHeader frame = WalFrameHeader.parse(bytes, 0);
        if (!frame.sameSalts(header)) {
            throw new WalFormatException(String.format(
                    "frame at offset %d of %s has salts %08x/%08x, not %08x/%08x of the scanned WAL:"
                            + " SQLite restarted the WAL and overwrote it (hold a read transaction while reading pages)",
                    frameOffset, walFile, frame.salt1(), frame.salt2(), header.salt1(), header.salt2()));
        }
        System.arraycopy(bytes, WalFrameHeader.SIZE, dst, 0, header.pageSize());
    }

    /** The current length of the WAL file; 0 if it does not exist. */
    public long size() throws IOException {
        try {
            return Files.size(walFile);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        closeChannel();
    }

    private FileChannel currentChannel() throws IOException {
        ensureOpen();
        Object key;
        try {
            key = Files.readAttributes(walFile, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            closeChannel();
            return null;
        }
        // The open channel keeps the old inode allocated, so a new file at the path cannot reuse its
        // number: an equal key means the same file. A null key (no inode identity on this platform)
        // means reopening every time: slower, never stale.
        if (channel != null && key != null && key.equals(fileKey)) {
            return channel;
        }
        closeChannel();
        try {
            channel = FileChannel.open(walFile, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
        // Taken before opening: if the file was replaced in between, the next call sees a different
        // key and reopens, so a stale descriptor never survives more than one call.
        fileKey = key;
        return channel;
    }

    private static WalHeader readValidHeader(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(WalHeader.SIZE);
        if (FileReads.readFully(ch, b, 0) < WalHeader.SIZE) {
            return null;
        }
        try {
            return WalHeader.parse(b.array());
        } catch (WalFormatException e) {
            return null;
        }
    }

    private void closeChannel() throws IOException {
        FileChannel ch = channel;
        channel = null;
        fileKey = null;
        if (ch != null) {
            ch.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public String toString() {
        return "WalReader[" + walFile + "]";
    }
}
