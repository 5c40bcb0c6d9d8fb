package io.github.durablesqlite.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class LtxEncoderTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private LtxEncoder encoder(int commit, long minTxid) throws IOException {
        return new LtxEncoder(out, LtxHeader.of(512, commit, minTxid, minTxid + 1, 0), PageEncoding.BLOCK);
    }

    @Test
    void rejectsInvalidPagesWithoutWritingAnything() throws IOException {
        try (LtxEncoder enc = encoder(10, 5)) {
            enc.writePage(4, new byte[512]);
            long size = enc.size();
            assertThatThrownBy(() -> enc.writePage(5, new byte[511]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("page 5 has 511 bytes, expected the page size 512");
            assertThatThrownBy(() -> enc.writePage(0, new byte[512]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("page number 0");
            assertThatThrownBy(() -> enc.writePage(11, new byte[512]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beyond the database size (commit 10)");
            assertThatThrownBy(() -> enc.writePage(4, new byte[512]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("page 4 follows page 4");
            assertThatThrownBy(() -> enc.writePage(3, new byte[512]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strictly ascending");
            assertThatThrownBy(() -> enc.writePage(-1, new byte[512]))
                    .as("page numbers are unsigned").hasMessageContaining("page 4294967295 is beyond");
            assertThat(enc.size()).isEqualTo(size).isEqualTo(out.size());
            enc.writePage(10, new byte[512]);
            enc.finish();
        }
        TestPages.decode(out.toByteArray(), "after-rejections.ltx");
    }

    @Test
    void snapshotMustBeComplete() throws IOException {
        try (LtxEncoder enc = encoder(3, 1)) {
            assertThatThrownBy(() -> enc.writePage(2, new byte[512]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshot is missing page 1");
            enc.writePage(1, new byte[512]);
            enc.writePage(2, new byte[512]);
            assertThatThrownBy(enc::finish)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("pages 3..3 are missing");
            enc.writePage(3, new byte[512]);
            enc.finish();
        }
    }

    @Test
    void rejectsInvalidHeaders() {
        assertThatThrownBy(() -> new LtxEncoder(out, LtxHeader.of(1000, 1, 1, 1, 0), PageEncoding.BLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("page size 1000");
        assertThatThrownBy(() -> new LtxEncoder(out, LtxHeader.of(512, 1, 3, 2, 0), PageEncoding.FRAME))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("greater than max TXID");
        LtxHeader flagsZero = new LtxHeader(0, 512, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0);
        assertThatThrownBy(() -> new LtxEncoder(out, flagsZero, PageEncoding.BLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header flags are 0x00000000");
        assertThat(out.size()).isZero();
    }

    @Test
    void finishIsFinalAndDoesNotCloseTheStream() throws IOException {
        boolean[] closed = {false};
        OutputStream tracked = new OutputStream() {
            @Override
            public void write(int b) {
                out.write(b);
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        try (LtxEncoder enc = new LtxEncoder(tracked, LtxHeader.of(512, 1, 1, 1, 0), PageEncoding.FRAME)) {
            enc.writePage(1, new byte[512]);
            LtxTrailer trailer = enc.finish();
            assertThat(trailer.postApplyChecksum()).isZero();
            assertThat(trailer.fileChecksum()).isNegative();
            assertThat(enc.size()).isEqualTo(out.size());
            assertThatThrownBy(enc::finish).isInstanceOf(IllegalStateException.class).hasMessageContaining("finished");
            assertThatThrownBy(() -> enc.writePage(1, new byte[512])).isInstanceOf(IllegalStateException.class);
        }
        assertThat(closed[0]).isFalse();
    }

    @Test
    void writeFailureMakesTheEncoderUnusable() throws IOException {
        OutputStream failing = new OutputStream() {
            int budget = 150;

            @Override
            public void write(int b) throws IOException {
                if (--budget < 0) {
                    throw new IOException("disk full");
                }
            }
        };
        try (LtxEncoder enc = new LtxEncoder(failing, LtxHeader.of(512, 3, 2, 2, 0), PageEncoding.BLOCK)) {
            assertThatThrownBy(() -> enc.writePage(1, TestPages.incompressible(new java.util.Random(1), 512)))
                    .isInstanceOf(IOException.class).hasMessage("disk full");
            assertThatThrownBy(() -> enc.writePage(2, new byte[512]))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("failed");
        }
    }

    @Test
    void closedEncoderRefusesWork() throws IOException {
        LtxEncoder enc = encoder(3, 2);
        enc.close();
        assertThatThrownBy(() -> enc.writePage(1, new byte[512])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
