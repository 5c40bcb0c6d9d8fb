package io.github.durablesqlite.ltx;

/**
 * The 16-byte trailer of an LTX file.
 *
 * @param postApplyChecksum database checksum after the file; 0 for files without checksum tracking
 * @param fileChecksum      {@link Crc64} over the file's logical content, with bit 63 set so it is never 0
 */
public record LtxTrailer(long postApplyChecksum, long fileChecksum) {

    public static final int SIZE = 16;
}
