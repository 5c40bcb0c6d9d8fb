package io.github.durablesqlite.wal;

/**
 * The 24-byte header in front of each page in a WAL file. All fields are big-endian.
 *
 * @param pageNumber the database page this frame holds (1-based)
 * @param commitSize for a commit frame, the database size in pages after the transaction; 0 otherwise
 * @param salt1      must equal the WAL header's salt-1 for the frame to be valid
 * @param salt2      must equal the WAL header's salt-2 for the frame to be valid
 * @param checksum1  first half of the running checksum up to and including this frame
 * @param checksum2  second half of that checksum
 */
public record WalFrameHeader(int pageNumber, int commitSize, int salt1, int salt2,
                             int checksum1, int checksum2) {

    public static final int SIZE = 24;

    /** Whether this frame ends a transaction. */
    public boolean isCommit() {
        return commitSize != 0;
    }

    /** Whether the frame belongs to the WAL generation {@code header} starts. */
    public boolean sameSalts(WalHeader header) {
        return salt1 == header.salt1() && salt2 == header.salt2();
    }

    /** Decodes the {@link #SIZE} bytes at {@code offset}; no validation (that needs the running checksum). */
    public static WalFrameHeader parse(byte[] bytes, int offset) {
        return new WalFrameHeader(intAt(bytes, offset), intAt(bytes, offset + 4), intAt(bytes, offset + 8),
                intAt(bytes, offset + 12), intAt(bytes, offset + 16), intAt(bytes, offset + 20));
    }

    private static int intAt(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }
}
