package io.github.durablesqlite.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LtxDecoderTest {

    private static byte[] file() throws IOException {
        LtxHeader header = LtxHeader.of(512, 9, 4, 6, 1234).withWal(4152, 2 * 536, 11, 12);
        return TestPages.encode(header, PageEncoding.BLOCK,
                Map.of(2, TestPages.compressible(2, 512), 9, TestPages.compressible(9, 512)));
    }

    @Test
    void exposesHeaderAndName() throws IOException {
        try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(file()), "a/b.ltx")) {
            assertThat(dec.name()).isEqualTo("a/b.ltx");
            assertThat(dec.header()).isEqualTo(new LtxHeader(2, 512, 9, 4, 6, 1234, 0, 4152, 1072, 11, 12, 0));
            assertThat(dec.header().isSnapshot()).isFalse();
        }
    }

    @Test
    void returnsZeroAfterTheLastPageAndFinishIsRepeatable() throws IOException {
        try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(file()), "x.ltx")) {
            byte[] page = new byte[512];
            assertThat(dec.nextPage(page)).isEqualTo(2);
            assertThat(page).isEqualTo(TestPages.compressible(2, 512));
            assertThat(dec.nextPage(page)).isEqualTo(9);
            assertThat(dec.nextPage(page)).isZero();
            assertThat(dec.nextPage(page)).isZero();
            LtxTrailer trailer = dec.finish();
            assertThat(dec.finish()).isSameAs(trailer);
            assertThat(dec.nextPage(page)).isZero();
        }
    }

    @Test
    void rejectsABufferOfTheWrongSize() throws IOException {
        try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(file()), "x.ltx")) {
            assertThatThrownBy(() -> dec.nextPage(new byte[1024]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected the page size 512");
        }
    }

    @Test
    void isUnusableAfterAFailure() throws IOException {
        byte[] file = file();
        byte[] truncated = Arrays.copyOf(file, 120);
        try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(truncated), "cut.ltx")) {
            byte[] page = new byte[512];
            assertThatThrownBy(() -> dec.nextPage(page)).isInstanceOf(LtxFormatException.class);
            assertThatThrownBy(() -> dec.nextPage(page)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cut.ltx").hasMessageContaining("failed earlier");
            assertThatThrownBy(dec::finish).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closeClosesTheStream() throws IOException {
        boolean[] closed = {false};
        ByteArrayInputStream in = new ByteArrayInputStream(file()) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        new LtxDecoder(in, "x.ltx").close();
        assertThat(closed[0]).isTrue();
    }

    @Test
    void formatExceptionCarriesNameAndOffset() throws IOException {
        byte[] file = file();
        file[file.length - 1] ^= 1;
        try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(file), "bad.ltx")) {
            LtxFormatException e = org.assertj.core.api.Assertions.catchThrowableOfType(LtxFormatException.class, dec::finish);
            assertThat(e.fileName()).isEqualTo("bad.ltx");
            assertThat(e.offset()).isEqualTo(file.length - 8);
        }
    }
}
