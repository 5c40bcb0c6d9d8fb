package io.github.durablesqlite.wal;

/**
 * A point in one generation of a WAL: the offset of the next frame and the running checksum
 * there. The salts name the generation; after SQLite restarts the WAL they no longer match the
 * header, and the position is meaningless.
 *
 * @param salt1     the WAL header's salt-1 when the position was taken
 * @param salt2     the WAL header's salt-2 when the position was taken
 * @param offset    file offset of the next frame (32 for the first frame)
 * @param checksum1 first half of the running checksum of everything before {@code offset}
 * @param checksum2 second half of that checksum
 */
public record WalPosition(int salt1, int salt2, long offset, int checksum1, int checksum2) {

    public WalPosition {
        if (offset < WalHeader.SIZE) {
            throw new IllegalArgumentException("WAL position offset " + offset
                    + " lies inside the " + WalHeader.SIZE + "-byte header");
        }
    }

    /** The position of the first frame: the running checksum starts as the header's checksum. */
    public static WalPosition start(WalHeader header) {
        return new WalPosition(header.salt1(), header.salt2(), WalHeader.SIZE,
                header.checksum1(), header.checksum2());
    }
}
