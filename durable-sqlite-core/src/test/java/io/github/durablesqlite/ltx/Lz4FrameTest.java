package io.github.durablesqlite.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The per-page LZ4 frame against lz4-java's independent frame implementation, both ways. */
class Lz4FrameTest {

    static Stream<Arguments> pages() {
        Random rnd = new Random(5);
        return Stream.of(512, 4096, 65536).flatMap(size -> Stream.of(
                Arguments.of("zeros " + size, new byte[size]),
                Arguments.of("compressible " + size, TestPages.compressible(7, size)),
                Arguments.of("mixed " + size, TestPages.mixed(rnd, size)),
                Arguments.of("random " + size, TestPages.incompressible(rnd, size))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pages")
    void ourFramesDecodeWithLz4Java(String name, byte[] page) throws IOException {
        byte[] frame = new byte[Lz4FrameWriter.maxFrameLength(page.length)];
        int n = Lz4FrameWriter.write(page, frame, 0);
        try (LZ4FrameInputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(frame, 0, n))) {
            assertThat(in.readAllBytes()).isEqualTo(page);
        }
    }

    @Test
    void descriptorIsWhatLz4JavaWritesForTheSameOptions() throws IOException {
        ByteArrayOutputStream theirs = new ByteArrayOutputStream();
        try (LZ4FrameOutputStream out = new LZ4FrameOutputStream(theirs, BLOCKSIZE.SIZE_64KB,
                Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM)) {
            out.write(new byte[512]);
        }
        byte[] ours = new byte[Lz4FrameWriter.maxFrameLength(512)];
        Lz4FrameWriter.write(new byte[512], ours, 0);
        // magic, FLG, BD and the header checksum byte
        assertThat(Arrays.copyOf(ours, 7)).isEqualTo(Arrays.copyOf(theirs.toByteArray(), 7));
    }

    static Stream<Arguments> lz4JavaFrameOptions() {
        return Stream.of(
                Arguments.of(BLOCKSIZE.SIZE_64KB, new Bits[] {Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM}),
                Arguments.of(BLOCKSIZE.SIZE_4MB, new Bits[] {Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM}),
                Arguments.of(BLOCKSIZE.SIZE_64KB, new Bits[] {Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM,
                        Bits.CONTENT_CHECKSUM, Bits.CONTENT_SIZE}),
                Arguments.of(BLOCKSIZE.SIZE_256KB, new Bits[] {Bits.BLOCK_INDEPENDENCE}));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("lz4JavaFrameOptions")
    void decoderReadsFramesWrittenByLz4Java(BLOCKSIZE blockSize, Bits[] bits) throws IOException {
        Random rnd = new Random(21);
        int pageSize = 65536;
        byte[][] pages = {TestPages.mixed(rnd, pageSize), TestPages.incompressible(rnd, pageSize), new byte[pageSize]};
        RawLtx raw = new RawLtx(pageSize, 3, 1, 1);
        for (int i = 0; i < pages.length; i++) {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            boolean withSize = Arrays.asList(bits).contains(Bits.CONTENT_SIZE);
            try (LZ4FrameOutputStream out = withSize
                    ? new LZ4FrameOutputStream(frame, blockSize, pageSize, bits)
                    : new LZ4FrameOutputStream(frame, blockSize, bits)) {
                out.write(pages[i]);
            }
            raw.frame(new RawLtx.Frame(i + 1, 0, frame.toByteArray(), new byte[0], pages[i]));
        }
        var decoded = TestPages.decode(raw.build(), "lz4java.ltx");
        for (int i = 0; i < pages.length; i++) {
            assertThat(decoded.get(i + 1)).isEqualTo(pages[i]);
        }
    }

    @Test
    void badContentChecksumIsReportedForItsPage() {
        byte[] page = TestPages.compressible(2, 512);
        byte[] frame = RawLtx.rawLz4Frame(page);
        frame[frame.length - 1] ^= 1;
        byte[] file = new RawLtx(512, 2, 1, 1).blockPage(1, new byte[512])
                .frame(new RawLtx.Frame(2, 0, frame, new byte[0], page)).build();
        int checksumOffset = 100 + 6 + 4 + RawLtx.literalBlock(new byte[512]).length + 6 + frame.length - 4;
        assertThatThrownBy(() -> TestPages.decode(file, "frames.ltx"))
                .isInstanceOf(LtxFormatException.class)
                .hasMessageContaining("frames.ltx")
                .hasMessageContaining("at byte " + checksumOffset)
                .hasMessageContaining("page 2: LZ4 content checksum");
    }

    @Test
    void badHeaderChecksumAndUnsupportedOptionsAreReported() {
        byte[] page = new byte[512];
        byte[] badHc = RawLtx.rawLz4Frame(page);
        badHc[6] ^= 0x55;
        assertFrameRejected(badHc, page, "LZ4 frame header checksum");

        byte[] withDictionary = RawLtx.rawLz4Frame(page);
        withDictionary[4] |= 0x01; // dictionary id flag
        assertFrameRejected(withDictionary, page, "dictionary");

        byte[] badMagic = RawLtx.rawLz4Frame(page);
        badMagic[0] = 0x05;
        assertFrameRejected(badMagic, page, "LZ4 frame magic is 0x184d2205");

        byte[] shortBlock = RawLtx.rawLz4Frame(page);
        shortBlock[7] = (byte) 200; // stored block of 200 bytes: the frame holds too little
        assertFrameRejected(shortBlock, page, "page 1");
    }

    private static void assertFrameRejected(byte[] frame, byte[] page, String message) {
        byte[] file = new RawLtx(512, 1, 1, 1).frame(new RawLtx.Frame(1, 0, frame, new byte[0], page)).build();
        assertThatThrownBy(() -> TestPages.decode(file, "f.ltx"))
                .isInstanceOf(LtxFormatException.class)
                .hasMessageContaining("f.ltx")
                .hasMessageContaining(message);
    }
}
