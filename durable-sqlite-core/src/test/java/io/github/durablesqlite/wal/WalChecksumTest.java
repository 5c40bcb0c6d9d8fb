package io.github.durablesqlite.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class WalChecksumTest {

    @Test
    void followsTheDocumentedRecurrenceInBothWordOrders() {
        // Words 1,2,3,4: s1 = 0+1+0 = 1, s2 = 0+2+1 = 3, then s1 = 1+3+3 = 7, s2 = 3+4+7 = 14.
        byte[] big = {0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4};
        byte[] little = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0};

        WalChecksum be = new WalChecksum(true, 0, 0);
        be.update(big, 0, big.length);
        WalChecksum le = new WalChecksum(false, 0, 0);
        le.update(little, 0, little.length);

        assertThat(new int[] {be.s1(), be.s2()}).containsExactly(7, 14);
        assertThat(new int[] {le.s1(), le.s2()}).containsExactly(7, 14);
    }

    @Test
    void wrapsAroundAs32BitUnsignedArithmetic() {
        byte[] words = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 2};
        WalChecksum sum = new WalChecksum(true, 5, 1);
        sum.update(words, 0, 8);
        // s1 = 5 + 0xffffffff + 1 = 5 (mod 2^32); s2 = 1 + 2 + 5 = 8
        assertThat(sum.matches(5, 8)).isTrue();
    }

    @Test
    void agreesWithTheReferenceOnRandomInputsInBothOrdersAndInChunks() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            boolean bigEndian = random.nextBoolean();
            byte[] data = new byte[8 * (1 + random.nextInt(600))];
            random.nextBytes(data);
            int s1 = random.nextInt();
            int s2 = random.nextInt();

            WalChecksum sum = new WalChecksum(bigEndian, s1, s2);
            int split = 8 * random.nextInt(data.length / 8 + 1);
            sum.update(data, 0, split);
            sum.update(data, split, data.length - split);
            ReferenceChecksum reference = new ReferenceChecksum(bigEndian, s1, s2).add(data, 0, data.length);

            assertThat(new int[] {sum.s1(), sum.s2()})
                    .as("round %d, %s, %d bytes", round, bigEndian ? "big-endian" : "little-endian", data.length)
                    .containsExactly(reference.s1(), reference.s2());
        }
    }

    @Test
    void rejectsInputThatIsNotWholeWordPairs() {
        WalChecksum sum = new WalChecksum(false, 0, 0);
        assertThatThrownBy(() -> sum.update(new byte[12], 0, 12))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of 8");
    }
}
