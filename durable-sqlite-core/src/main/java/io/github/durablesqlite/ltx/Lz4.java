package io.github.durablesqlite.ltx;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The LZ4 primitives this package uses; lz4-java documents them as thread-safe, so one set is
 * shared. Only the safe decompressor is used: its input comes from object storage and may be
 * corrupt or hostile.
 */
final class Lz4 {

    static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
    static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();
    static final XXHash32 XXHASH32 = XXHashFactory.fastestInstance().hash32();

    private Lz4() {
    }

    /** Worst-case LZ4 block size for {@code n} input bytes (the same bound as Go's pierrec/lz4). */
    static int maxCompressedLength(int n) {
        return COMPRESSOR.maxCompressedLength(n);
    }

    static int xxh32(byte[] b, int off, int len) {
        return XXHASH32.hash(b, off, len, 0);
    }

    static void putIntLE(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    static int getIntLE(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }
}
