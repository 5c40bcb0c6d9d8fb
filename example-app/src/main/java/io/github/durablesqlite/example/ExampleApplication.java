package io.github.durablesqlite.example;

import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * A notes app on durable SQLite, configured by environment like the Litestream deployment it
 * replaces: DB_FILE, REPLICA_URL, LITESTREAM_ACCESS_KEY_ID, LITESTREAM_SECRET_ACCESS_KEY, SERVER_PORT.
 * Without REPLICA_URL it replicates to a directory beside the database, so it runs with no setup.
 */
@SpringBootApplication
public class ExampleApplication {
    private static final Logger log = LoggerFactory.getLogger(ExampleApplication.class);

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ExampleApplication.class);
        app.setDefaultProperties(Map.of("durable-sqlite.replica.url", replicaUrl(System.getenv())));
        app.run(args);
    }

    /** REPLICA_URL, or a local directory named after the database when it is not set. */
    static String replicaUrl(Map<String, String> env) {
        String configured = env.get("REPLICA_URL");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        Path db = Path.of(env.getOrDefault("DB_FILE", "data/notes.db")).toAbsolutePath();
        return db.resolveSibling(db.getFileName() + "-replica").toUri().toString();
    }

    @EventListener(ApplicationReadyEvent.class)
    void warnAboutALocalReplica() {
        String configured = System.getenv("REPLICA_URL");
        if (configured == null || configured.isBlank()) {
            log.warn("No REPLICA_URL set: replicating to the local directory {}. A local replica is not "
                    + "off-machine durability; set REPLICA_URL=s3://bucket/prefix (and LITESTREAM_ACCESS_KEY_ID, "
                    + "LITESTREAM_SECRET_ACCESS_KEY) to survive the loss of this machine.", replicaUrl(System.getenv()));
        }
    }
}
