package io.github.durablesqlite.spring;

import io.github.durablesqlite.spring.app.NotesApplication;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts {@link NotesApplication} as a user would, against a replica on the test S3 server. */
final class NotesApp {

    private NotesApp() {
    }

    /** Properties for the database {@code dir/app.db} replicated to {@code url}, credentials passed as properties. */
    static Map<String, Object> properties(Path dir, String url) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("durable-sqlite.path", dir.resolve("app.db").toString());
        properties.put("durable-sqlite.replica.url", url);
        properties.put("durable-sqlite.replica.access-key-id", S3ProxyServer.ACCESS_KEY);
        properties.put("durable-sqlite.replica.secret-access-key", S3ProxyServer.SECRET_KEY);
        properties.put("durable-sqlite.close-timeout", "5s");
        properties.put("management.endpoint.health.show-details", "always");
        properties.put("management.endpoint.health.show-components", "always");
        return properties;
    }

    static ConfigurableApplicationContext start(Map<String, Object> properties, Class<?>... extra) {
        Class<?>[] sources = Stream.concat(Stream.of(NotesApplication.class), Stream.of(extra)).toArray(Class<?>[]::new);
        return new SpringApplicationBuilder(sources).web(WebApplicationType.NONE).properties(properties).run();
    }

    /** What a lost machine leaves: nothing of the database, its WAL, or the replication state beside it. */
    static void loseMachine(Path dir) throws IOException {
        Path db = dir.resolve("app.db");
        for (Path path : new Path[] {db, Path.of(db + "-wal"), Path.of(db + "-shm"), dir.resolve(".app.db-durable-sqlite")}) {
            if (Files.exists(path)) {
                try (Stream<Path> tree = Files.walk(path)) {
                    for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }
}
