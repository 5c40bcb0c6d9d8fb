package io.github.durablesqlite.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LtxFileNamesTest {

    @Test
    void formatsSixteenLowerCaseHexDigitsEach() {
        assertThat(LtxFileNames.format(1, 0xabcdef)).isEqualTo("0000000000000001-0000000000abcdef.ltx");
        assertThat(LtxFileNames.format(-1, -1)).isEqualTo("ffffffffffffffff-ffffffffffffffff.ltx");
        assertThat(new LtxFileInfo(3, 2, 2, 0, Instant.EPOCH).fileName())
                .isEqualTo("0000000000000002-0000000000000002.ltx");
    }

    @Test
    void parsesWhatItFormats() {
        assertThat(LtxFileNames.parse("0000000000000001-0000000000abcdef.ltx")).containsExactly(1, 0xabcdef);
        assertThat(LtxFileNames.parse("8000000000000000-ffffffffffffffff.ltx"))
                .containsExactly(Long.MIN_VALUE, -1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "README", "0000000000000001-0000000000000001.ltx.tmp", "0000000000000001-0000000000000001",
            "000000000000000A-000000000000000B.ltx", "0000000000000001-0000000000000001.LTX",
            "000000000000001-0000000000000001.ltx", "00000000000000001-0000000000000001.ltx",
            "0000000000000001_0000000000000001.ltx", "x0000000000000001-0000000000000001.ltx",
    })
    void rejectsEverythingElse(String name) {
        assertThat(LtxFileNames.parse(name)).isNull();
    }

    @Test
    void fileInfoChecksItsFields() {
        assertThatThrownBy(() -> new LtxFileInfo(10, 1, 1, 0, Instant.EPOCH))
                .hasMessage("LTX level must be between 0 and 9: 10");
        assertThatThrownBy(() -> new LtxFileInfo(0, 2, 1, 0, Instant.EPOCH))
                .hasMessage("minTxid 0000000000000002 is above maxTxid 0000000000000001");
        assertThatThrownBy(() -> new LtxFileInfo(0, 1, 1, -1, Instant.EPOCH))
                .hasMessage("size must not be negative: -1");
        assertThat(new LtxFileInfo(0, 1, -1, 0, Instant.EPOCH).maxTxid()).isEqualTo(-1);
    }
}
