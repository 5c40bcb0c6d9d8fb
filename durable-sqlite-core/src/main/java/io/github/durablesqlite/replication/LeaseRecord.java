package io.github.durablesqlite.replication;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the lease object says: who holds the replica and until when. Stored as a flat JSON object so
 * an operator can read it with any tool; {@code holder} is a random id per process start, the rest
 * is there to tell a person which instance to stop.
 */
record LeaseRecord(String holder, String host, long pid, String database, Instant acquiredAt, Instant renewedAt,
                   Instant expiresAt) {

    private static final Pattern FIELD = Pattern.compile("\"([a-zA-Z]+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|-?\\d+)");

    LeaseRecord renewed(Instant now, Duration ttl) {
        return new LeaseRecord(holder, host, pid, database, acquiredAt, now, now.plus(ttl));
    }

    boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** The holder in words, for messages: "host web-2, pid 4242, database /data/app.db". */
    String describeHolder() {
        return "host " + host + ", pid " + pid + ", database " + database;
    }

    byte[] toJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("holder", holder);
        fields.put("host", host);
        fields.put("pid", pid);
        fields.put("database", database);
        fields.put("acquiredAt", acquiredAt.toString());
        fields.put("renewedAt", renewedAt.toString());
        fields.put("expiresAt", expiresAt.toString());
        StringBuilder json = new StringBuilder("{");
        fields.forEach((name, value) -> {
            json.append(json.length() > 1 ? ",\n  " : "\n  ").append('"').append(name).append("\": ");
            json.append(value instanceof String text ? quote(text) : value);
        });
        return json.append("\n}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a lease object; throws {@link IllegalArgumentException} naming what is missing when it is
     * not one of ours (a person cannot tell when such a lease expires, so it is never taken over).
     */
    static LeaseRecord parse(byte[] content) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(new String(content, StandardCharsets.UTF_8));
        while (m.find()) {
            fields.put(m.group(1), m.group(3) != null ? unquote(m.group(3)) : m.group(2));
        }
        try {
            return new LeaseRecord(required(fields, "holder"), required(fields, "host"),
                    Long.parseLong(required(fields, "pid")), required(fields, "database"),
                    Instant.parse(required(fields, "acquiredAt")), Instant.parse(required(fields, "renewedAt")),
                    Instant.parse(required(fields, "expiresAt")));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("a field has a bad value: " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no \"" + name + "\" field");
        }
        return value;
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static String unquote(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                if (next == 'u' && i + 4 < text.length()) {
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                } else {
                    out.append(next);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
