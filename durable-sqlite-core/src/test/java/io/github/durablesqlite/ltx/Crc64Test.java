package io.github.durablesqlite.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc64Test {

    @Test
    void checkValueMatchesGoIsoTable() {
        assertThat(Crc64.of("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xb90956c775a41001L);
    }

    @Test
    void emptyInputIsZero() {
        assertThat(Crc64.of(new byte[0])).isZero();
        assertThat(new Crc64().value()).isZero();
    }

    @Test
    void slicedTablesAgreeWithBitByBitDefinition() {
        Random rnd = new Random(42);
        for (int len = 0; len < 300; len++) {
            byte[] b = new byte[len];
            rnd.nextBytes(b);
            assertThat(Crc64.of(b)).as("length %d", len).isEqualTo(bitwise(b));
        }
    }

    @Test
    void incrementalUpdatesEqualOneShot() {
        Random rnd = new Random(7);
        byte[] b = new byte[10_000];
        rnd.nextBytes(b);
        Crc64 crc = new Crc64();
        int pos = 0;
        while (pos < b.length) {
            int n = Math.min(rnd.nextInt(40), b.length - pos);
            if (n == 1) {
                crc.update(b[pos]);
            } else {
                crc.update(b, pos, n);
            }
            pos += n;
        }
        assertThat(crc.value()).isEqualTo(Crc64.of(b));
        assertThat(crc.value()).as("value() does not reset").isEqualTo(Crc64.of(b));
    }

    @Test
    void rejectsOutOfRangeSlices() {
        assertThatThrownBy(() -> new Crc64().update(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** The CRC straight from its definition: reflected polynomial, all-ones init and xor-out. */
    private static long bitwise(byte[] b) {
        long crc = ~0L;
        for (byte x : b) {
            crc ^= x & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xD800000000000000L : crc >>> 1;
            }
        }
        return ~crc;
    }
}
