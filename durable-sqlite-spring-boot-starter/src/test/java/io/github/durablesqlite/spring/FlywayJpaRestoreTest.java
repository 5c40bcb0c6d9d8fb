package io.github.durablesqlite.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.spring.app.Note;
import io.github.durablesqlite.spring.app.NoteRepository;
import io.github.durablesqlite.testing.S3ProxyServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole point, on a real S3 server: an app with Flyway and Spring Data JPA writes notes, its
 * machine is lost, and a new start gets every note back before Flyway or JPA look at the database.
 */
class FlywayJpaRestoreTest {

    @TempDir
    Path dir;

    @Test
    void aLostDatabaseIsRestoredBeforeFlywayAndJpaStart() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        String bucket = s3.newBucket();
        Map<String, Object> properties = NotesApp.properties(dir, s3.replicaUrl(bucket, "notes"));

        Date installedOn;
        try (ConfigurableApplicationContext first = NotesApp.start(properties)) {
            assertThat(first.getBean(javax.sql.DataSource.class)).isInstanceOf(DurableDataSource.class);
            NoteRepository notes = first.getBean(NoteRepository.class);
            notes.save(new Note("first"));
            notes.saveAll(List.of(new Note("second"), new Note("third")));
            installedOn = appliedMigration(first).getInstalledOn();
        }

        NotesApp.loseMachine(dir);
        assertThat(dir.resolve("app.db")).doesNotExist();

        try (ConfigurableApplicationContext second = NotesApp.start(properties)) {
            MigrationInfo migration = appliedMigration(second);
            assertThat(migration.getInstalledOn()).as("V1 applied by the first run, not again").isEqualTo(installedOn);
            assertThat(second.getBean(Flyway.class).info().pending()).isEmpty();
            assertThat(second.getBean(NoteRepository.class).findAll()).extracting(Note::getText)
                    .containsExactly("first", "second", "third");

            second.getBean(NoteRepository.class).save(new Note("fourth"));
            second.getBean(DurableDataSource.class).replicateNow(Duration.ofSeconds(10));

            assertHealthUp(second, "s3://" + bucket + "/notes");
            assertMeters(second.getBean(MeterRegistry.class));
        }
    }

    private static MigrationInfo appliedMigration(ConfigurableApplicationContext context) {
        MigrationInfo[] applied = context.getBean(Flyway.class).info().applied();
        assertThat(applied).hasSize(1);
        assertThat(applied[0].getVersion().getVersion()).isEqualTo("1");
        return applied[0];
    }

    private static void assertHealthUp(ConfigurableApplicationContext context, String replica) {
        DurableDataSource dataSource = context.getBean(DurableDataSource.class);
        IndicatedHealthDescriptor health = (IndicatedHealthDescriptor) context.getBean(HealthEndpoint.class)
                .healthForPath("durableSqlite");
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        long localTxid = dataSource.status().localTxid();
        assertThat(localTxid).isPositive();
        assertThat(health.getDetails())
                .containsEntry("localTxid", String.format("%016x", localTxid))
                .containsEntry("failedUploads", 0)
                .containsEntry("replica", replica)
                .containsKeys("remoteTxid", "pendingTxids", "lag", "lastSyncAt")
                .doesNotContainKey("lastError");
        assertThat(String.valueOf(health.getDetails())).doesNotContain(S3ProxyServer.SECRET_KEY);
    }

    private static void assertMeters(MeterRegistry registry) {
        assertThat(registry.get("durable.sqlite.txid").tag("name", "app.db").tag("side", "local").gauge().value())
                .isPositive();
        assertThat(registry.get("durable.sqlite.restores").tag("name", "app.db").counter().count())
                .as("the restore ran before the binder was bound, and was still counted").isEqualTo(1);
        assertThat(registry.get("durable.sqlite.syncs").counter().count()).isPositive();
        assertThat(registry.get("durable.sqlite.sync.duration").timer().count()).isPositive();
        assertThat(registry.get("durable.sqlite.uploads").tag("outcome", "success").counter().count()).isPositive();
        assertThat(registry.get("durable.sqlite.bytes.shipped").counter().count()).isPositive();
        assertThat(registry.get("durable.sqlite.txid").tag("side", "remote").gauge().value())
                .isEqualTo(registry.get("durable.sqlite.txid").tag("side", "local").gauge().value());
        assertThat(registry.get("durable.sqlite.store.requests").tag("operation", "list").tag("outcome", "success")
                .timer().count()).isPositive();
        assertThat(registry.find("durable.sqlite.lag").gauge()).isNotNull();
        assertThat(registry.find("durable.sqlite.pending.txids").gauge()).isNotNull();
        // Boot's own pool metrics find Hikari because the DurableDataSource unwraps to it.
        assertThat(registry.get("hikaricp.connections").tag("pool", "durable-sqlite-app.db").gauge().value())
                .isPositive();
        assertThat(registry.find("hikaricp.connections.acquire").tag("pool", "durable-sqlite-app.db").timer())
                .isNotNull();
    }
}
