package io.github.durablesqlite.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openqa.selenium.json.Json;

/** The example app's JSON API over plain HTTP (through Caddy in most tests). */
public final class NotesClient {

    private static final Json JSON = new Json();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final HttpClient http;

    public NotesClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    }

    public record Note(long id, String text, String createdAt) {
        static Note of(Map<String, Object> json) {
            return new Note(((Number) json.get("id")).longValue(), (String) json.get("text"), (String) json.get("createdAt"));
        }
    }

    /** The {@code durableSqlite} component of {@code /actuator/health}, and the overall answer. */
    public record Health(int httpStatus, String status, String componentStatus, Map<String, Object> details) {
        /** A numeric detail; TXIDs may come in Litestream's 16-hex-digit form ("000000000000002a"). */
        public long detail(String name) {
            Object value = details.get(name);
            if (value instanceof Number number) {
                return number.longValue();
            }
            if (value instanceof String text && text.matches("[0-9a-fA-F]{16}")) {
                return Long.parseUnsignedLong(text, 16);
            }
            throw new AssertionError("health detail " + name + " is neither a number nor a TXID: " + details);
        }
    }

    /** An answer the test did not expect, with the body. */
    public static final class UnexpectedResponse extends RuntimeException {
        UnexpectedResponse(String request, int status, String body) {
            super(request + " answered " + status + ": " + body);
        }
    }

    /** {@code POST /api/notes}; the note as the app acknowledged it (201). */
    public Note create(String text) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/api/notes"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.toJson(Map.of("text", text)))));
        expect("POST /api/notes", response, 201);
        return Note.of(JSON.toType(response.body(), Json.MAP_TYPE));
    }

    /** {@code GET /api/notes/{id}}: the note, or empty on 404. */
    public Optional<Note> get(long id) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/api/notes/" + id)).GET());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expect("GET /api/notes/" + id, response, 200);
        return Optional.of(Note.of(JSON.toType(response.body(), Json.MAP_TYPE)));
    }

    /** {@code GET /api/notes?limit=N}. */
    public List<Note> list(int limit) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/api/notes?limit=" + limit)).GET());
        expect("GET /api/notes?limit=" + limit, response, 200);
        List<Map<String, Object>> notes = JSON.toType(response.body(), Json.LIST_OF_MAPS_TYPE);
        return notes.stream().map(Note::of).toList();
    }

    /** {@code GET /api/notes/count}. */
    public long count() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/api/notes/count")).GET());
        expect("GET /api/notes/count", response, 200);
        Map<String, Object> json = JSON.toType(response.body(), Json.MAP_TYPE);
        return ((Number) json.get("count")).longValue();
    }

    /** {@code GET /actuator/health}: 200 when UP, 503 when DOWN; both are answers. */
    @SuppressWarnings("unchecked")
    public Health health() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/actuator/health")).GET());
        if (response.statusCode() != 200 && response.statusCode() != 503) {
            throw new UnexpectedResponse("GET /actuator/health", response.statusCode(), response.body());
        }
        Map<String, Object> json = JSON.toType(response.body(), Json.MAP_TYPE);
        Map<String, Object> components = (Map<String, Object>) json.getOrDefault("components", Map.of());
        Map<String, Object> component = (Map<String, Object>) components.get("durableSqlite");
        if (component == null) {
            throw new AssertionError("/actuator/health has no durableSqlite component: " + response.body());
        }
        return new Health(response.statusCode(), (String) json.get("status"), (String) component.get("status"),
                (Map<String, Object>) component.getOrDefault("details", Map.of()));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("HTTP to " + base + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void expect(String request, HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new UnexpectedResponse(request, response.statusCode(), response.body());
        }
    }
}
