package io.github.durablesqlite.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.ReplicationStatus;
import io.github.durablesqlite.spring.app.Note;
import io.github.durablesqlite.spring.app.NoteRepository;
import io.github.durablesqlite.testing.FaultProxy;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@code durableSqlite} health through a store outage made by a fault proxy (connections reset,
 * the S3 server itself untouched): DOWN while it lasts, UP once replication caught up, with every
 * note written during the outage in the replica.
 */
class StoreFaultHealthTest {

    @TempDir
    Path dir;

    @Test
    void healthGoesDownDuringAProxyOutageAndUpAfterWithNothingLost() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        String bucket = s3.newBucket();
        List<String> written = new ArrayList<>();
        try (FaultProxy proxy = FaultProxy.start(s3)) {
            Map<String, Object> properties = NotesApp.properties(dir, proxy.replicaUrl(bucket, "app"));
            properties.put("durable-sqlite.health.max-failed-uploads", "1");
            try (ConfigurableApplicationContext context = NotesApp.start(properties)) {
                HealthIndicator health = context.getBean("durableSqliteHealthIndicator", HealthIndicator.class);
                NoteRepository notes = context.getBean(NoteRepository.class);
                DurableDataSource dataSource = context.getBean(DurableDataSource.class);
                save(notes, written, "before the outage");
                dataSource.replicateNow(Duration.ofSeconds(30));
                assertThat(health.health().getStatus()).isEqualTo(Status.UP);

                proxy.outage();
                int n = 0;
                // The app keeps writing while the health check notices the outage.
                while (health.health().getStatus() != Status.DOWN) {
                    save(notes, written, "during the outage " + n++);
                    Thread.sleep(100);
                    assertThat(n).as("health noticed the outage within a minute").isLessThan(600);
                }
                Health down = health.health();
                assertThat(down.getDetails()).containsKeys("reason", "lastError");
                assertThat(String.valueOf(down.getDetails())).doesNotContain(S3ProxyServer.SECRET_KEY);
                save(notes, written, "while DOWN");
                assertThat(proxy.injected(FaultProxy.Fault.OUTAGE)).isPositive();

                proxy.passThrough();
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                    ReplicationStatus status = dataSource.status();
                    assertThat(status.remoteTxid()).isPositive().isEqualTo(status.localTxid());
                    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
                });
            }
        }

        NotesApp.loseMachine(dir);
        try (ConfigurableApplicationContext context = NotesApp.start(
                NotesApp.properties(dir, s3.replicaUrl(bucket, "app")))) {
            assertThat(context.getBean(NoteRepository.class).findAll()).extracting(Note::getText)
                    .containsExactlyElementsOf(written);
        }
    }

    private static void save(NoteRepository notes, List<String> written, String text) {
        notes.save(new Note(text));
        written.add(text);
    }
}
