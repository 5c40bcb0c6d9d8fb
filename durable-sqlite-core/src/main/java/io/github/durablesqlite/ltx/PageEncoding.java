package io.github.durablesqlite.ltx;

/**
 * How page frames are compressed. Both live under the same {@code LTX1} magic and are told apart
 * per page by the page header's flags, so one file could even mix them; a decoder reads both.
 */
public enum PageEncoding {

    /**
     * Page flags 1: a big-endian u32 compressed size, then one raw LZ4 block. Written by Litestream
     * 0.5.16 and later (superfly/ltx 0.5.2); Litestream 0.5.0 to 0.5.15 reject it.
     */
    BLOCK(1),

    /**
     * Page flags 0: one complete LZ4 frame per page, with a content checksum and no block
     * checksums. Written by Litestream 0.5.0 to 0.5.15 and read by every 0.5.x release.
     */
    FRAME(0);

    private final int pageFlags;

    PageEncoding(int pageFlags) {
        this.pageFlags = pageFlags;
    }

    /** The value of the page header's 16-bit flags field for this encoding. */
    public int pageFlags() {
        return pageFlags;
    }
}
