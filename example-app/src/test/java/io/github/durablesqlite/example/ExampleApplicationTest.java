package io.github.durablesqlite.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The API and the page, on a real server with a directory replica. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExampleApplicationTest {
    private static final Path DIR = createTempDir();

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("durable-sqlite.path", () -> DIR.resolve("notes.db").toString());
        registry.add("durable-sqlite.replica.url", () -> DIR.resolve("replica").toUri().toString());
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("example-app-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/notes"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void notesApiFollowsTheInterface() throws Exception {
        HttpResponse<String> created = post("{\"text\": \"hello durable world\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).contains("\"id\":", "\"text\":\"hello durable world\"", "\"createdAt\":");
        String id = created.body().replaceAll(".*\"id\":(\\d+).*", "$1");
        assertThat(created.headers().firstValue("Location")).hasValue("/api/notes/" + id);

        assertThat(get("/api/notes/" + id).body()).contains("hello durable world");
        assertThat(get("/api/notes/999999").statusCode()).isEqualTo(404);
        assertThat(get("/api/notes?limit=1").body()).startsWith("[").contains("hello durable world");
        assertThat(get("/api/notes/count").body()).matches("\\{\"count\":\\d+\\}");
        assertThat(post("{\"text\": \"  \"}").statusCode()).isEqualTo(400);
        assertThat(get("/api/notes?limit=0").statusCode()).isEqualTo(400);
    }

    @Test
    void healthHasTheDurableSqliteComponentAndThePageIsServed() throws Exception {
        post("{\"text\": \"for the health check\"}");
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"durableSqlite\"", "\"localTxid\"");
        assertThat(get("/api/replication").body()).contains("\"remoteTxid\"", "\"lagMillis\"");
        assertThat(get("/").body()).contains("id=\"note-form\"", "id=\"notes\"", "id=\"replication-status\"");
    }

    @Test
    void withoutReplicaUrlTheReplicaIsADirectoryBesideTheDatabase() {
        assertThat(ExampleApplication.replicaUrl(Map.of("DB_FILE", "/data/app.db"))).isEqualTo("file:///data/app.db-replica");
        assertThat(ExampleApplication.replicaUrl(Map.of("REPLICA_URL", "s3://b/p"))).isEqualTo("s3://b/p");
    }
}
