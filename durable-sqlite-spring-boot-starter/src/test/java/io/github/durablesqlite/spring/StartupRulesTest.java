package io.github.durablesqlite.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.ReplicationStatus;
import io.github.durablesqlite.RestoreException;
import io.github.durablesqlite.spring.app.Note;
import io.github.durablesqlite.spring.app.NoteRepository;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * When an application may start, on a real S3 server: never with a bad configuration, never with an
 * empty database over a replica it could not read, but always when the database is local, even
 * while the store is down.
 */
class StartupRulesTest {

    @TempDir
    Path dir;

    @Test
    void aMalformedReplicaUrlStopsTheStartNamingTheProperty() {
        Map<String, Object> properties = NotesApp.properties(dir, "s3://bucket/app?endpoint=http://[::1");
        Throwable failure = catchThrowable(() -> NotesApp.start(properties));
        assertThat(failure).isNotNull();
        InvalidDurableSqlitePropertyException invalid = rootOfType(failure, InvalidDurableSqlitePropertyException.class);
        assertThat(invalid.getProperty()).isEqualTo("durable-sqlite.replica.url");
        assertThat(invalid.getReason()).startsWith("Invalid replica URL");
        assertThat(dir.resolve("app.db")).doesNotExist();
    }

    @Test
    void withoutALocalDatabaseWrongCredentialsStopTheStart() {
        S3ProxyServer s3 = S3ProxyServer.shared();
        Map<String, Object> properties = NotesApp.properties(dir, s3.replicaUrl(s3.newBucket(), "app"));
        properties.put("durable-sqlite.replica.secret-access-key", "not-the-secret");
        Throwable failure = catchThrowable(() -> NotesApp.start(properties));
        assertThat(rootOfType(failure, RestoreException.class).getMessage())
                .contains("refusing to start with an empty database").doesNotContain("not-the-secret");
        assertThat(new DurableSqliteFailureAnalyzer().analyze(failure).getAction())
                .contains("durable-sqlite.replica.secret-access-key");
        assertThat(dir.resolve("app.db")).doesNotExist();
    }

    @Test
    void withoutALocalDatabaseAMissingBucketStopsTheStart() {
        S3ProxyServer s3 = S3ProxyServer.shared();
        Map<String, Object> properties = NotesApp.properties(dir, s3.replicaUrl("no-such-bucket", "app"));
        Throwable failure = catchThrowable(() -> NotesApp.start(properties));
        assertThat(rootOfType(failure, RestoreException.class).getMessage()).contains("no-such-bucket");
        assertThat(dir.resolve("app.db")).doesNotExist();
    }

    @Test
    void withALocalDatabaseTheAppStartsThroughAnOutageReportsDownAndCatchesUp() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start()) {
            Map<String, Object> properties = NotesApp.properties(dir, s3.replicaUrl(s3.newBucket(), "app"));
            properties.put("durable-sqlite.health.max-failed-uploads", "1");
            try (ConfigurableApplicationContext context = NotesApp.start(properties)) {
                context.getBean(NoteRepository.class).save(new Note("before the outage"));
            }

            s3.outage();
            try (ConfigurableApplicationContext context = NotesApp.start(properties)) {
                HealthIndicator health = context.getBean("durableSqliteHealthIndicator", HealthIndicator.class);
                Health down = health.health();
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat(down.getDetails()).containsKeys("reason", "lastError")
                        .extractingByKey("failedUploads", InstanceOfAssertFactories.INTEGER).isPositive();
                assertThat(String.valueOf(down.getDetails())).doesNotContain(S3ProxyServer.SECRET_KEY);

                context.getBean(NoteRepository.class).save(new Note("during the outage"));

                s3.recover();
                DurableDataSource dataSource = context.getBean(DurableDataSource.class);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    ReplicationStatus status = dataSource.status();
                    assertThat(status.remoteTxid()).isPositive().isEqualTo(status.localTxid());
                    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
                });
            }

            NotesApp.loseMachine(dir);
            try (ConfigurableApplicationContext context = NotesApp.start(properties)) {
                assertThat(context.getBean(NoteRepository.class).findAll()).extracting(Note::getText)
                        .containsExactly("before the outage", "during the outage");
            }
        }
    }

    static <T extends Throwable> T rootOfType(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + failure, failure);
    }
}
