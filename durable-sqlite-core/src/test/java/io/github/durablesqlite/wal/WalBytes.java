package io.github.durablesqlite.wal;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Plain views of an undamaged WAL held in memory, for computing what a scan should find. Assumes
 * every whole frame in the bytes is valid (true for a WAL SQLite wrote and nothing touched).
 */
final class WalBytes {
    private final byte[] wal;
    private final int frameSize;

    WalBytes(byte[] wal) {
        this.wal = wal;
        this.frameSize = WalFrameHeader.SIZE + SyntheticWal.intAt(wal, 8);
    }

    int frameSize() {
        return frameSize;
    }

    List<Long> frameOffsets() {
        List<Long> offsets = new ArrayList<>();
        for (long at = WalHeader.SIZE; at + frameSize <= wal.length; at += frameSize) {
            offsets.add(at);
        }
        return offsets;
    }

    WalFrameHeader frame(long offset) {
        return WalFrameHeader.parse(wal, (int) offset);
    }

    /** The file offsets just after each commit frame, ascending. */
    List<Long> commitEnds() {
        List<Long> ends = new ArrayList<>();
        for (long at : frameOffsets()) {
            if (frame(at).isCommit()) {
                ends.add(at + frameSize);
            }
        }
        return ends;
    }

    /** Page number to page-data offset of its last frame before {@code end}. */
    TreeMap<Integer, Long> newestPages(long start, long end) {
        TreeMap<Integer, Long> pages = new TreeMap<>();
        for (long at : frameOffsets()) {
            if (at >= start && at + frameSize <= end) {
                pages.put(frame(at).pageNumber(), at + WalFrameHeader.SIZE);
            }
        }
        return pages;
    }

    /** The largest commit end at or below {@code limit}, or 32 if none. */
    long lastCommitEndAtOrBelow(long limit) {
        long result = WalHeader.SIZE;
        for (long end : commitEnds()) {
            if (end <= limit) {
                result = end;
            }
        }
        return result;
    }

    int commitsAtOrBelow(long limit) {
        return (int) commitEnds().stream().filter(end -> end <= limit).count();
    }
}
