package io.github.durablesqlite.ltx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LtxHeaderTest {

    @Test
    void ofSetsTheNoChecksumFlagAndZeroesTheRest() {
        LtxHeader h = LtxHeader.of(4096, 10, 3, 7, 99);
        assertThat(h).isEqualTo(new LtxHeader(2, 4096, 10, 3, 7, 99, 0, 0, 0, 0, 0, 0));
        assertThat(h.problem()).isNull();
        assertThat(h.isSnapshot()).isFalse();
        assertThat(LtxHeader.of(4096, 10, 1, 7, 99).isSnapshot()).isTrue();
    }

    @Test
    void withWalKeepsEverythingElse() {
        LtxHeader h = LtxHeader.of(4096, 10, 3, 7, 99).withWal(32, 4128, -1, 5);
        assertThat(h).isEqualTo(new LtxHeader(2, 4096, 10, 3, 7, 99, 0, 32, 4128, -1, 5, 0));
        assertThat(h.problem()).isNull();
    }

    @Test
    void fileNameIsLitestreams() {
        assertThat(LtxHeader.of(4096, 1, 1, 0x1f, 0).fileName()).isEqualTo("0000000000000001-000000000000001f.ltx");
        assertThat(LtxHeader.of(4096, 1, -2, -1, 0).fileName()).isEqualTo("fffffffffffffffe-ffffffffffffffff.ltx");
    }

    @Test
    void everyPowerOfTwoPageSizeFrom512To65536IsValid() {
        for (int size = 1; size > 0; size <<= 1) {
            boolean valid = size >= 512 && size <= 65536;
            assertThat(LtxHeader.isValidPageSize(size)).as("%d", size).isEqualTo(valid);
            assertThat(LtxHeader.isValidPageSize(size + 1)).as("%d", size + 1).isFalse();
        }
    }

    @Test
    void txidsCompareUnsigned() {
        assertThat(LtxHeader.of(512, 1, 5, -1, 0).problem()).isNull();
        assertThat(LtxHeader.of(512, 1, -1, 5, 0).problem().message()).contains("greater than max TXID");
    }

    @Test
    void headerBytesRoundTrip() {
        LtxHeader h = new LtxHeader(2, 65536, -1, 1, Long.MAX_VALUE, -5, 0, 1, 2, 3, 4, -7);
        byte[] b = HeaderCodec.encode(h);
        assertThat(b).hasSize(LtxHeader.SIZE);
        assertThat(HeaderCodec.hasMagic(b)).isTrue();
        assertThat(HeaderCodec.decode(b)).isEqualTo(h);
    }
}
