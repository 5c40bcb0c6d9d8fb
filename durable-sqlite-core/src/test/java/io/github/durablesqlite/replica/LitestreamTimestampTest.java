package io.github.durablesqlite.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The metadata value must be exactly what Go's time.RFC3339Nano writes for a UTC time. */
class LitestreamTimestampTest {

    @ParameterizedTest
    @CsvSource({
            "2024-05-06T07:08:09Z,                2024-05-06T07:08:09Z",
            "2024-05-06T07:08:09.100Z,            2024-05-06T07:08:09.1Z",
            "2024-05-06T07:08:09.120Z,            2024-05-06T07:08:09.12Z",
            "2024-05-06T07:08:09.123Z,            2024-05-06T07:08:09.123Z",
            "2024-05-06T07:08:09.123456789Z,      2024-05-06T07:08:09.123456789Z",
            "2024-05-06T07:08:09.000000001Z,      2024-05-06T07:08:09.000000001Z",
            "2024-05-06T07:08:09.000001Z,         2024-05-06T07:08:09.000001Z",
            "1970-01-01T00:00:00Z,                1970-01-01T00:00:00Z",
    })
    void formatsLikeGoRfc3339Nano(String instant, String expected) {
        assertThat(LitestreamTimestamp.format(Instant.parse(instant))).isEqualTo(expected);
        assertThat(LitestreamTimestamp.parse(expected)).isEqualTo(Instant.parse(instant));
    }

    @Test
    void parsesAnyRfc3339Time() {
        assertThat(LitestreamTimestamp.parse("2024-05-06T09:08:09.5+02:00"))
                .isEqualTo(Instant.parse("2024-05-06T07:08:09.5Z"));
        assertThat(LitestreamTimestamp.parse("2024-05-06T07:08:09.000Z"))
                .isEqualTo(Instant.parse("2024-05-06T07:08:09Z"));
    }

    @Test
    void somethingElseIsNoTimestamp() {
        assertThat(LitestreamTimestamp.parse(null)).isNull();
        assertThat(LitestreamTimestamp.parse("")).isNull();
        assertThat(LitestreamTimestamp.parse("1715000000")).isNull();
        assertThat(LitestreamTimestamp.parse("2024-05-06 07:08:09")).isNull();
    }
}
