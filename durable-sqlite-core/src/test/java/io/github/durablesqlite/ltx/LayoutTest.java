package io.github.durablesqlite.ltx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.junit.jupiter.api.Test;

/** The encoder's output checked byte by byte against the format description (docs/format.md). */
class LayoutTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void headerAndTrailerOfAFileWithoutPagesAreExact() throws IOException {
        LtxHeader header = new LtxHeader(LtxHeader.FLAG_NO_CHECKSUM, 4096, 0x10203, 5, 7, 0x18bcfe56800L,
                0, 32, 8272, 0xdeadbeef, 0x01020304, 0x0a0b0c0d0e0f1011L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LtxTrailer trailer;
        try (LtxEncoder enc = new LtxEncoder(out, header, PageEncoding.BLOCK)) {
            trailer = enc.finish();
        }
        byte[] file = out.toByteArray();

        String expectedHeader = "4c545831" // "LTX1"
                + "00000002" // flags: no checksum
                + "00001000" // page size 4096
                + "00010203" // commit
                + "0000000000000005" // min TXID
                + "0000000000000007" // max TXID
                + "0000018bcfe56800" // timestamp, ms
                + "0000000000000000" // pre-apply checksum
                + "0000000000000020" // WAL offset 32
                + "0000000000002050" // WAL size 8272
                + "deadbeef" + "01020304" // WAL salts
                + "0a0b0c0d0e0f1011" // node id
                + "00".repeat(20); // reserved
        String expectedRest = "000000000000" // zero page header: end of pages
                + "00" // page index: just the end marker
                + "0000000000000001" // page index length: 1 byte
                + "0000000000000000"; // post-apply checksum
        assertThat(HEX.formatHex(file, 0, file.length - 8)).isEqualTo(expectedHeader + expectedRest);

        // Without pages, the checksum covers exactly every byte but itself.
        long expectedChecksum = Long.MIN_VALUE | Crc64.of(java.util.Arrays.copyOf(file, file.length - 8));
        assertThat(ByteBuffer.wrap(file, file.length - 8, 8).getLong()).isEqualTo(expectedChecksum);
        assertThat(trailer).isEqualTo(new LtxTrailer(0, expectedChecksum));
    }

    @Test
    void blockEncodingFramesIndexAndChecksumAreAsSpecified() throws IOException {
        Random rnd = new Random(11);
        Map<Integer, byte[]> pages = new TreeMap<>(Map.of(1, TestPages.compressible(1, 1024),
                3, TestPages.incompressible(rnd, 1024)));
        byte[] file = TestPages.encode(LtxHeader.of(1024, 3, 2, 2, 99), PageEncoding.BLOCK, pages);
        ByteBuffer b = ByteBuffer.wrap(file);
        Crc64 crc = new Crc64();
        crc.update(file, 0, LtxHeader.SIZE);

        ByteArrayOutputStream expectedIndex = new ByteArrayOutputStream();
        int pos = LtxHeader.SIZE;
        for (var e : pages.entrySet()) {
            assertThat(b.getInt(pos)).isEqualTo(e.getKey());
            assertThat(b.getShort(pos + 4)).as("page flags").isEqualTo((short) 1);
            int size = b.getInt(pos + 6);
            byte[] page = LZ4Factory.safeInstance().safeDecompressor().decompress(file, pos + 10, size, 1024);
            assertThat(page).isEqualTo(e.getValue());
            crc.update(file, pos, 10); // page header and size prefix as stored...
            crc.update(page); // ...then the page uncompressed, not the LZ4 bytes
            RawLtx.putUvarint(expectedIndex, e.getKey());
            RawLtx.putUvarint(expectedIndex, pos);
            RawLtx.putUvarint(expectedIndex, 10 + size);
            pos += 10 + size;
        }
        assertIndexAndTrailer(file, pos, expectedIndex, crc);
    }

    @Test
    void frameEncodingWritesOneCompleteLz4FramePerPage() throws IOException {
        Random rnd = new Random(12);
        Map<Integer, byte[]> pages = new TreeMap<>(Map.of(4, TestPages.mixed(rnd, 512),
                9, TestPages.incompressible(rnd, 512)));
        byte[] file = TestPages.encode(LtxHeader.of(512, 9, 3, 4, 99), PageEncoding.FRAME, pages);
        ByteBuffer le = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        Crc64 crc = new Crc64();
        crc.update(file, 0, LtxHeader.SIZE);

        ByteArrayOutputStream expectedIndex = new ByteArrayOutputStream();
        int pos = LtxHeader.SIZE;
        for (var e : pages.entrySet()) {
            assertThat(ByteBuffer.wrap(file).getInt(pos)).isEqualTo(e.getKey());
            assertThat(ByteBuffer.wrap(file).getShort(pos + 4)).as("page flags").isZero();
            int frame = pos + 6;
            assertThat(HEX.formatHex(file, frame, frame + 6)).isEqualTo("04224d186440"); // magic, FLG, BD
            int word = le.getInt(frame + 7);
            int blockLength = word & 0x7fffffff;
            boolean stored = word < 0;
            assertThat(stored).as("random pages are stored raw").isEqualTo(e.getKey() == 9);
            int end = frame + 11 + blockLength;
            assertThat(le.getInt(end)).as("end mark").isZero();
            assertThat(le.getInt(end + 4)).as("content checksum").isEqualTo(RawLtx.xxh32(e.getValue()));
            int frameLength = end + 8 - frame;
            byte[] frameBytes = java.util.Arrays.copyOfRange(file, frame, frame + frameLength);
            try (LZ4FrameInputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(frameBytes))) {
                assertThat(in.readAllBytes()).isEqualTo(e.getValue());
            }
            crc.update(file, pos, 6);
            crc.update(e.getValue());
            RawLtx.putUvarint(expectedIndex, e.getKey());
            RawLtx.putUvarint(expectedIndex, pos);
            RawLtx.putUvarint(expectedIndex, 6 + frameLength);
            pos += 6 + frameLength;
        }
        assertIndexAndTrailer(file, pos, expectedIndex, crc);
    }

    @Test
    void decoderReadsFilesMadeWithoutTheEncoder() throws IOException {
        Random rnd = new Random(13);
        SortedMap<Integer, byte[]> pages = TestPages.snapshotPages(rnd, 4096, 4);
        RawLtx raw = new RawLtx(4096, 4, 1, 3);
        // Both encodings in one file, with LZ4 data no compressor would write: literal-only
        // blocks and frames holding a stored block.
        raw.blockPage(1, pages.get(1)).framePage(2, pages.get(2)).blockPage(3, pages.get(3)).framePage(4, pages.get(4));
        TestPages.assertSamePages(TestPages.decode(raw.build(), "raw.ltx"), pages);
    }

    private static void assertIndexAndTrailer(byte[] file, int pos, ByteArrayOutputStream expectedIndex, Crc64 crc) {
        assertThat(HEX.formatHex(file, pos, pos + 6)).as("zero page header").isEqualTo("000000000000");
        crc.update(file, pos, 6);
        pos += 6;
        RawLtx.putUvarint(expectedIndex, 0);
        byte[] index = expectedIndex.toByteArray();
        assertThat(java.util.Arrays.copyOfRange(file, pos, pos + index.length)).isEqualTo(index);
        assertThat(ByteBuffer.wrap(file).getLong(pos + index.length)).as("index length").isEqualTo(index.length);
        crc.update(file, pos, index.length + 8);
        pos += index.length + 8;
        assertThat(file.length).isEqualTo(pos + LtxTrailer.SIZE);
        assertThat(ByteBuffer.wrap(file).getLong(pos)).as("post-apply checksum").isZero();
        crc.update(file, pos, 8);
        assertThat(ByteBuffer.wrap(file).getLong(pos + 8)).as("file checksum").isEqualTo(Long.MIN_VALUE | crc.value());
    }
}
