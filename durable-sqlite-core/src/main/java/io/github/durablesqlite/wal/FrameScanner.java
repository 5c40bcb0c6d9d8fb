package io.github.durablesqlite.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Walks WAL frames from a position, validating salts and the running checksum, and collects the
 * pages of committed transactions. Reads a bounded run of frames at a time into one reusable
 * buffer, so memory stays small however large the WAL grows. Not thread-safe.
 */
final class FrameScanner {
    // Big enough to amortize the read syscall over many 4 KiB frames, small enough to keep.
    private static final int READ_CHUNK = 1 << 20;

    private ByteBuffer buffer = ByteBuffer.allocate(0);
    // Frames of the transaction in progress: they count only once its commit frame is seen.
    private int[] pendingPages = new int[64];
    private long[] pendingOffsets = new long[64];
    private int pendingCount;

    /**
     * Scans the frames that lie wholly below {@code fileSize}, starting at {@code start}, which must
     * be on a frame boundary of {@code header}'s generation.
     */
    WalScan scan(FileChannel channel, long fileSize, WalHeader header, WalPosition start, boolean restarted)
            throws IOException {
        int pageSize = header.pageSize();
        int frameSize = header.frameSize();
        int framesPerRead = Math.max(1, READ_CHUNK / frameSize);
        WalChecksum sum = new WalChecksum(header.bigEndianChecksums(), start.checksum1(), start.checksum2());
        TreeMap<Integer, Long> pages = new TreeMap<>();
        pendingCount = 0;

        WalPosition end = start;
        int commitSize = 0;
        int transactions = 0;
        long offset = start.offset();
        long framesLeft = Math.max(0, (fileSize - offset) / frameSize);
        scan:
        while (framesLeft > 0) {
            int wanted = (int) Math.min(framesLeft, framesPerRead);
            ByteBuffer buf = buffer(wanted * frameSize);
            // The file may have shrunk since its size was taken (a TRUNCATE checkpoint): whatever
            // is missing now is simply the end of the log.
            int frames = FileReads.readFully(channel, buf, offset) / frameSize;
            byte[] bytes = buf.array();
            for (int i = 0; i < frames; i++) {
                int at = i * frameSize;
                WalFrameHeader frame = WalFrameHeader.parse(bytes, at);
                if (!frame.sameSalts(header) || frame.pageNumber() == 0) {
                    break scan; // a stale frame from before a restart, or garbage
                }
                sum.update(bytes, at, 8);
                sum.update(bytes, at + WalFrameHeader.SIZE, pageSize);
                if (!sum.matches(frame.checksum1(), frame.checksum2())) {
                    break scan; // torn or corrupt: the log ends before this frame
                }
                long frameOffset = offset + at;
                addPending(frame.pageNumber(), frameOffset + WalFrameHeader.SIZE);
                if (frame.isCommit()) {
                    commitPending(pages);
                    transactions++;
                    commitSize = frame.commitSize();
                    end = new WalPosition(header.salt1(), header.salt2(), frameOffset + frameSize,
                            frame.checksum1(), frame.checksum2());
                }
            }
            if (frames < wanted) {
                break;
            }
            offset += (long) wanted * frameSize;
            framesLeft -= wanted;
        }
        pendingCount = 0;
        return new WalScan(header, start, end, restarted, commitSize, transactions, pages);
    }

    private ByteBuffer buffer(int length) {
        if (buffer.capacity() < length) {
            buffer = ByteBuffer.allocate(length);
        }
        buffer.clear().limit(length);
        return buffer;
    }

    private void addPending(int pageNumber, long dataOffset) {
        if (pendingCount == pendingPages.length) {
            pendingPages = Arrays.copyOf(pendingPages, pendingCount * 2);
            pendingOffsets = Arrays.copyOf(pendingOffsets, pendingCount * 2);
        }
        pendingPages[pendingCount] = pageNumber;
        pendingOffsets[pendingCount] = dataOffset;
        pendingCount++;
    }

    private void commitPending(TreeMap<Integer, Long> pages) {
        // In frame order, so a page written twice keeps its newest frame.
        for (int i = 0; i < pendingCount; i++) {
            pages.put(pendingPages[i], pendingOffsets[i]);
        }
        pendingCount = 0;
    }
}
