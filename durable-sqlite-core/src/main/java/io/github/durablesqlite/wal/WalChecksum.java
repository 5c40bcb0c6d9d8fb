package io.github.durablesqlite.wal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * SQLite's running WAL checksum: two 32-bit sums chained over pairs of 32-bit words, the words
 * read in the byte order the header's magic chooses. Mutable, so a scan can carry one instance
 * across frames without allocating.
 */
final class WalChecksum {
    // Static final handles let the JIT compile word reads to plain (byte-swapped) loads; the
    // checksum runs over every page of every frame, so it is the hot loop of a scan.
    private static final VarHandle BIG =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LITTLE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final boolean bigEndian;
    private int s1;
    private int s2;

    WalChecksum(boolean bigEndian, int s1, int s2) {
        this.bigEndian = bigEndian;
        this.s1 = s1;
        this.s2 = s2;
    }

    /** Adds {@code length} bytes (a multiple of 8) to the running sums. */
    void update(byte[] bytes, int offset, int length) {
        if ((length & 7) != 0) {
            throw new IllegalArgumentException("checksum input must be a multiple of 8 bytes, got " + length);
        }
        int a = s1;
        int b = s2;
        int end = offset + length;
        if (bigEndian) {
            for (int i = offset; i < end; i += 8) {
                a += (int) BIG.get(bytes, i) + b;
                b += (int) BIG.get(bytes, i + 4) + a;
            }
        } else {
            for (int i = offset; i < end; i += 8) {
                a += (int) LITTLE.get(bytes, i) + b;
                b += (int) LITTLE.get(bytes, i + 4) + a;
            }
        }
        s1 = a;
        s2 = b;
    }

    int s1() {
        return s1;
    }

    int s2() {
        return s2;
    }

    boolean matches(int checksum1, int checksum2) {
        return s1 == checksum1 && s2 == checksum2;
    }
}
