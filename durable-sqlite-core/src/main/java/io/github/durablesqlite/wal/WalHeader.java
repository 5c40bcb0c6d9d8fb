package io.github.durablesqlite.wal;

import java.nio.ByteBuffer;

/**
 * The 32-byte header at the start of a SQLite {@code -wal} file. All fields are stored
 * big-endian; only the checksums depend on the byte order the magic chooses.
 *
 * @param magic              {@link #MAGIC_LITTLE_ENDIAN} or {@link #MAGIC_BIG_ENDIAN}
 * @param formatVersion      always {@link #FORMAT_VERSION}
 * @param pageSize           the database page size in bytes (the stored value 1 is normalized to 65536)
 * @param checkpointSequence incremented by SQLite each time the WAL is restarted
 * @param salt1              changes on every WAL restart; frames carry a copy
 * @param salt2              random on every WAL restart; frames carry a copy
 * @param checksum1          first half of the checksum over the header's first 24 bytes
 * @param checksum2          second half of that checksum
 */
public record WalHeader(int magic, int formatVersion, int pageSize, int checkpointSequence,
                        int salt1, int salt2, int checksum1, int checksum2) {

    public static final int SIZE = 32;
    /** Checksums read 32-bit words little-endian. SQLite writes this on little-endian CPUs. */
    public static final int MAGIC_LITTLE_ENDIAN = 0x377f0682;
    /** Checksums read 32-bit words big-endian. SQLite writes this on big-endian CPUs. */
    public static final int MAGIC_BIG_ENDIAN = 0x377f0683;
    public static final int FORMAT_VERSION = 3007000;

    private static final int MIN_PAGE_SIZE = 512;
    private static final int MAX_PAGE_SIZE = 65536;

    /** Whether checksums read words big-endian (magic 0x377f0683) rather than little-endian. */
    public boolean bigEndianChecksums() {
        return (magic & 1) == 1;
    }

    /** Bytes of one frame: its 24-byte header and one page. */
    public int frameSize() {
        return WalFrameHeader.SIZE + pageSize;
    }

    /** Whether {@code position} lies in the WAL generation this header starts (same salts). */
    public boolean sameSalts(WalPosition position) {
        return position.salt1() == salt1 && position.salt2() == salt2;
    }

    /**
     * Parses and validates the first {@link #SIZE} bytes of {@code bytes}.
     *
     * @throws WalFormatException if the bytes are too short, or the magic, format version, page
     *                            size or header checksum is wrong
     */
    public static WalHeader parse(byte[] bytes) throws WalFormatException {
        if (bytes.length < SIZE) {
            throw new WalFormatException("WAL header is " + bytes.length + " bytes long, expected " + SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes); // big-endian
        int magic = b.getInt(0);
        if (magic != MAGIC_LITTLE_ENDIAN && magic != MAGIC_BIG_ENDIAN) {
            throw new WalFormatException(String.format(
                    "bad WAL magic at offset 0: 0x%08x, expected 0x%08x or 0x%08x",
                    magic, MAGIC_LITTLE_ENDIAN, MAGIC_BIG_ENDIAN));
        }
        int version = b.getInt(4);
        if (version != FORMAT_VERSION) {
            throw new WalFormatException("unsupported WAL format version at offset 4: "
                    + Integer.toUnsignedString(version) + ", expected " + FORMAT_VERSION);
        }
        int pageSize = normalizePageSize(b.getInt(8));
        WalChecksum sum = new WalChecksum((magic & 1) == 1, 0, 0);
        sum.update(bytes, 0, 24);
        int checksum1 = b.getInt(24);
        int checksum2 = b.getInt(28);
        if (!sum.matches(checksum1, checksum2)) {
            throw new WalFormatException(String.format(
                    "WAL header checksum mismatch at offset 24: stored 0x%08x%08x, computed 0x%08x%08x",
                    checksum1, checksum2, sum.s1(), sum.s2()));
        }
        return new WalHeader(magic, version, pageSize, b.getInt(12), b.getInt(16), b.getInt(20),
                checksum1, checksum2);
    }

    private static int normalizePageSize(int stored) throws WalFormatException {
        // The database header encodes 65536 as 1 because it has only 16 bits; SQLite writes the
        // real value into the WAL, but accepting 1 costs nothing and matches the database format.
        int pageSize = stored == 1 ? MAX_PAGE_SIZE : stored;
        if (pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE || Integer.bitCount(pageSize) != 1) {
            throw new WalFormatException("invalid WAL page size at offset 8: "
                    + Integer.toUnsignedString(stored) + ", expected a power of two from 512 to 65536");
        }
        return pageSize;
    }
}
