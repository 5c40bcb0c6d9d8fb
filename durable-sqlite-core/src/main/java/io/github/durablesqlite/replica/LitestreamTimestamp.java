package io.github.durablesqlite.replica;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * The {@code litestream-timestamp} S3 user metadata value: Go's {@code time.RFC3339Nano} of a UTC
 * time, e.g. {@code 2024-05-06T07:08:09.12Z}. Go drops trailing zeros of the fraction and the dot
 * with them, so whole seconds read {@code 2024-05-06T07:08:09Z}; {@code ISO_INSTANT} would pad to
 * three digits and not match what Litestream writes.
 */
final class LitestreamTimestamp {

    /** The user metadata key; S3 sends it as the header {@code x-amz-meta-litestream-timestamp}. */
    static final String METADATA_KEY = "litestream-timestamp";

    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .appendLiteral('Z')
            .toFormatter()
            .withZone(ZoneOffset.UTC);

    private LitestreamTimestamp() {
    }

    static String format(Instant instant) {
        return FORMAT.format(instant);
    }

    /** Parses any RFC 3339 time (Go's parser accepts offsets too); null when the text is not one. */
    static Instant parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
