package io.github.durablesqlite.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Damaged files must fail with an error that names the file, the problem and the place. */
class CorruptionTest {

    private static final String NAME = "replica/0000/0000000000000001-0000000000000003.ltx";

    private static SortedMap<Integer, byte[]> pages() {
        Random rnd = new Random(77);
        SortedMap<Integer, byte[]> pages = new TreeMap<>();
        pages.put(1, TestPages.compressible(1, 512));
        pages.put(2, TestPages.incompressible(rnd, 512));
        return pages;
    }

    private static byte[] validFile(PageEncoding encoding) throws IOException {
        return TestPages.encode(LtxHeader.of(512, 2, 1, 3, 1000), encoding, pages());
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(byte[] file) {
        return assertThatThrownBy(() -> TestPages.decode(file, NAME))
                .isInstanceOf(LtxFormatException.class)
                .hasMessageStartingWith("invalid LTX file " + NAME);
    }

    @Test
    void badMagic() throws IOException {
        byte[] file = validFile(PageEncoding.BLOCK);
        file[3] = '2';
        assertRejected(file).hasMessageContaining("at byte 0: magic is 0x4c545832, expected \"LTX1\"");
    }

    @Test
    void headerFlagsOtherThanNoChecksum() throws IOException {
        for (int flags : new int[] {0, 1, 3, 0x80000002}) {
            byte[] file = validFile(PageEncoding.BLOCK);
            ByteBuffer.wrap(file).putInt(4, flags);
            assertRejected(file).hasMessageContaining(String.format("at byte 4: header flags are 0x%08x", flags));
        }
    }

    @Test
    void invalidHeaderFieldsAreReportedAtTheirOffset() throws IOException {
        assertHeaderRejected(8, 1000, "page size 1000 is not a power of two");
        assertHeaderRejected(8, 256, "page size 256");
        assertHeaderRejected(8, 131072, "page size 131072");
        assertHeaderRejected(8, 0, "page size 0");
        assertHeaderRejected(12, 0, "commit (database size in pages) is 0");
        assertHeaderRejectedLong(16, 0, "min TXID is 0");
        assertHeaderRejectedLong(24, 0, "max TXID is 0");
        assertHeaderRejectedLong(16, 4, "min TXID 0000000000000004 is greater than max TXID 0000000000000003");
        assertHeaderRejectedLong(40, 9, "pre-apply checksum is 0000000000000009");
        assertHeaderRejectedLong(48, -1, "WAL offset -1 is negative");
        assertHeaderRejectedLong(56, -1, "WAL size -1 is negative");
        assertHeaderRejected(64, 5, "WAL salts are set but the WAL offset is 0");
        assertHeaderRejectedLong(56, 4096, "WAL size 4096 is set but the WAL offset is 0");
    }

    private static void assertHeaderRejected(int offset, int value, String message) throws IOException {
        byte[] file = validFile(PageEncoding.BLOCK);
        ByteBuffer.wrap(file).putInt(offset, value);
        assertRejected(file).hasMessageContaining("at byte " + offset + ": " + message);
    }

    private static void assertHeaderRejectedLong(int offset, long value, String message) throws IOException {
        byte[] file = validFile(PageEncoding.BLOCK);
        ByteBuffer.wrap(file).putLong(offset, value);
        assertRejected(file).hasMessageContaining("at byte " + offset + ": " + message);
    }

    @Test
    void truncatedHeader() throws IOException {
        byte[] file = validFile(PageEncoding.BLOCK);
        assertRejected(Arrays.copyOf(file, 50))
                .hasMessageContaining("at byte 50: file is truncated: it ends in the 100-byte header, 50 of 100 bytes missing");
        assertRejected(new byte[0]).hasMessageContaining("at byte 0: file is truncated");
    }

    @ParameterizedTest
    @EnumSource(PageEncoding.class)
    void everyTruncationIsReportedAsSuch(PageEncoding encoding) throws IOException {
        byte[] file = validFile(encoding);
        for (int len = 0; len < file.length; len++) {
            byte[] cut = Arrays.copyOf(file, len);
            LtxFormatException e = catchThrowableOfType(LtxFormatException.class, () -> TestPages.decode(cut, NAME));
            assertThat(e).as("cut at %d", len).isNotNull();
            assertThat(e.getMessage()).as("cut at %d", len).contains(NAME, "file is truncated");
            assertThat(e.offset()).as("cut at %d", len).isEqualTo(len);
        }
    }

    @Test
    void truncatedMidPageNamesThePage() throws IOException {
        byte[] file = validFile(PageEncoding.BLOCK);
        assertRejected(Arrays.copyOf(file, 100 + 3)).hasMessageContaining("it ends in a page header");
        assertRejected(Arrays.copyOf(file, 100 + 8)).hasMessageContaining("it ends in the compressed size of page 1");
        assertRejected(Arrays.copyOf(file, 100 + 12)).hasMessageContaining("it ends in the LZ4 block of page 1");
        byte[] frames = validFile(PageEncoding.FRAME);
        assertRejected(Arrays.copyOf(frames, 100 + 6 + 5)).hasMessageContaining("LZ4 frame descriptor of page 1");
    }

    @ParameterizedTest
    @EnumSource(PageEncoding.class)
    void everySingleBitFlipIsRejectedOrHarmless(PageEncoding encoding) throws IOException {
        byte[] file = validFile(encoding);
        Map<Integer, byte[]> expected = pages();
        for (int bit = 0; bit < file.length * 8; bit++) {
            byte[] damaged = file.clone();
            damaged[bit / 8] ^= (byte) (1 << (bit % 8));
            try {
                // LZ4 can encode the same bytes in more than one way (e.g. a match offset into a run
                // of equal bytes); the checksum covers the page, so such a flip changes nothing.
                TestPages.assertSamePages(TestPages.decode(damaged, NAME), expected);
            } catch (LtxFormatException e) {
                assertThat(e.getMessage()).as("bit %d", bit).startsWith("invalid LTX file " + NAME);
            }
        }
    }

    @Test
    void bitFlipInACompressedPageFailsTheFileChecksum() throws IOException {
        byte[] file = validFile(PageEncoding.BLOCK);
        int page2 = 100 + 10 + ByteBuffer.wrap(file).getInt(106);
        file[page2 + 10 + 300] ^= 0x10; // a literal byte of the random page
        assertRejected(file).hasMessageContaining("at byte " + (file.length - 8) + ": file checksum mismatch");
    }

    @Test
    void bitFlipInAFramePageFailsItsLz4ContentChecksum() throws IOException {
        byte[] file = validFile(PageEncoding.FRAME);
        file[file.length - 200] ^= 0x01; // inside the stored block of page 2
        assertRejected(file).hasMessageContaining("page 2: LZ4 content checksum");
    }

    @Test
    void bitFlipInTheIndex() throws IOException {
        byte[] file = validFile(PageEncoding.BLOCK);
        int indexStart = indexStart(file);
        file[indexStart] ^= 0x04; // first entry's page number: 1 -> 5
        assertRejected(file).hasMessageContaining("at byte " + indexStart
                + ": page index does not match the page frames");

        file = validFile(PageEncoding.BLOCK);
        file[indexStart + 1] ^= 0x01; // first entry's offset: 100 -> 101
        assertRejected(file).hasMessageContaining("page index entry 1 (page 1) gives frame offset 101, but the frames"
                + " before it end at byte 100");

        file = validFile(PageEncoding.BLOCK);
        file[file.length - LtxTrailer.SIZE - 1] ^= 0x01;
        assertRejected(file).hasMessageContaining("page index length field is");
    }

    @Test
    void bitFlipInTheTrailer() throws IOException {
        byte[] file = validFile(PageEncoding.BLOCK);
        file[file.length - 1] ^= 0x01;
        assertRejected(file).hasMessageContaining("at byte " + (file.length - 8) + ": file checksum mismatch: trailer has");

        file = validFile(PageEncoding.BLOCK);
        file[file.length - 9] ^= 0x01;
        assertRejected(file).hasMessageContaining("at byte " + (file.length - 16) + ": post-apply checksum is");
    }

    @Test
    void trailerChecksumsMustFollowTheNoChecksumRules() {
        RawLtx post = new RawLtx(512, 1, 1, 1).blockPage(1, new byte[512]);
        post.postApplyChecksum = Long.MIN_VALUE | 5; // correct file checksum, but a database checksum
        assertRejected(post.build()).hasMessageContaining("post-apply checksum is 8000000000000005, expected 0");

        RawLtx noFlag = new RawLtx(512, 1, 1, 1).blockPage(1, new byte[512]);
        noFlag.fileChecksumOverride = 12345L;
        assertRejected(noFlag.build()).hasMessageContaining("file checksum 0000000000003039 lacks its bit-63 flag");
    }

    @Test
    void dataAfterTheTrailer() throws IOException {
        byte[] file = validFile(PageEncoding.BLOCK);
        assertRejected(Arrays.copyOf(file, file.length + 1))
                .hasMessageContaining("at byte " + file.length + ": unexpected data after the trailer");
    }

    @Test
    void pagesOutOfOrder() {
        byte[] p = new byte[512];
        byte[] file = new RawLtx(512, 5, 2, 2).blockPage(3, p).blockPage(2, p).build();
        int second = 100 + 10 + RawLtx.literalBlock(p).length;
        assertRejected(file).hasMessageContaining("at byte " + second
                + ": page 2 follows page 3; pages must be strictly ascending");
        assertRejected(new RawLtx(512, 5, 2, 2).blockPage(3, p).framePage(3, p).build())
                .hasMessageContaining("page 3 follows page 3");
    }

    @Test
    void snapshotMissingAPage() {
        byte[] p = new byte[512];
        assertRejected(new RawLtx(512, 3, 1, 1).blockPage(1, p).blockPage(3, p).build())
                .hasMessageContaining("snapshot is missing page 2 (next page is 3)");
        assertRejected(new RawLtx(512, 3, 1, 1).blockPage(2, p).blockPage(3, p).build())
                .hasMessageContaining("at byte 100: snapshot is missing page 1");
        byte[] shortSnapshot = new RawLtx(512, 3, 1, 1).blockPage(1, p).blockPage(2, p).build();
        int zeroHeader = 100 + 2 * (10 + RawLtx.literalBlock(p).length);
        assertRejected(shortSnapshot).hasMessageContaining("at byte " + zeroHeader
                + ": snapshot ends after page 2 but commit is 3; pages 3..3 are missing");
    }

    @Test
    void pageBeyondCommitPageZeroAndBadPageFlags() {
        byte[] p = new byte[512];
        assertRejected(new RawLtx(512, 2, 4, 4).blockPage(3, p).build())
                .hasMessageContaining("page 3 is beyond the database size (commit 2)");
        assertRejected(new RawLtx(512, 2, 4, 4).blockPage(0, p).build())
                .hasMessageContaining("at byte 100: page number 0");
        assertRejected(new RawLtx(512, 2, 4, 4).frame(new RawLtx.Frame(1, 2, new byte[0], new byte[0], p)).build())
                .hasMessageContaining("at byte 104: page 1 has page flags 0x0002");
    }

    @Test
    void lockPageInAFile() {
        int pageSize = 65536;
        byte[] p = new byte[pageSize];
        int lock = LtxHeader.lockPage(pageSize);
        assertRejected(new RawLtx(pageSize, lock + 5, 7, 7).blockPage(lock, p).build())
                .hasMessageContaining("page 16385 is the SQLite lock page");
    }

    @Test
    void impossibleCompressedSizes() {
        byte[] p = new byte[512];
        byte[] zero = {0, 0, 0, 0};
        assertRejected(new RawLtx(512, 1, 2, 2).frame(new RawLtx.Frame(1, 1, zero, zero, p)).build())
                .hasMessageContaining("at byte 106: page 1: compressed size 0 is impossible for a page of 512 bytes");
        byte[] huge = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertRejected(new RawLtx(512, 1, 2, 2).frame(new RawLtx.Frame(1, 1, huge, huge, p)).build())
                .hasMessageContaining("compressed size 4294967295 is impossible");
        byte[] shortPage = RawLtx.literalBlock(new byte[511]);
        assertRejected(new RawLtx(512, 1, 2, 2).blockPage(1, p, shortPage).build())
                .hasMessageContaining("page 1: LZ4 block decompresses to 511 bytes, expected the page size 512");
        byte[] garbage = {(byte) 0x1f, 1, 2, 3, (byte) 0xff, (byte) 0xff};
        assertRejected(new RawLtx(512, 1, 2, 2).blockPage(1, p, garbage).build())
                .hasMessageContaining("page 1: corrupt LZ4 block of 6 bytes");
    }

    /** The first byte of the page index, found from the index length field before the trailer. */
    private static int indexStart(byte[] file) {
        long length = ByteBuffer.wrap(file).getLong(file.length - LtxTrailer.SIZE - 8);
        return (int) (file.length - LtxTrailer.SIZE - 8 - length);
    }
}
