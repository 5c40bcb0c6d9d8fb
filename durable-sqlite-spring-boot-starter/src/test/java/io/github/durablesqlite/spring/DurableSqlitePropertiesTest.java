package io.github.durablesqlite.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.ltx.PageEncoding;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** How durable-sqlite.* binds: defaults, every property, and durations spelled as Litestream spells them. */
class DurableSqlitePropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(PropertiesOnly.class);

    @Test
    void defaultsMatchTheEngine() {
        runner.run(context -> {
            DurableSqliteProperties p = context.getBean(DurableSqliteProperties.class);
            assertThat(p.isEnabled()).isTrue();
            assertThat(p.getPath()).isNull();
            assertThat(p.getReplica().getUrl()).isNull();
            assertThat(p.getReplica().getAccessKeyId()).isNull();
            assertThat(p.getReplica().getSecretAccessKey()).isNull();
            assertThat(p.getSyncInterval()).isEqualTo(Duration.ofSeconds(1));
            assertThat(p.getBusyTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(p.getCloseTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(p.getPageEncoding()).isEqualTo(PageEncoding.FRAME);
            assertThat(p.getCheckpointPages()).isEqualTo(1000);
            assertThat(p.getRestore().isIfMissing()).isTrue();
            assertThat(p.getStateDir()).isNull();
            assertThat(p.getPool().getMaximumPoolSize()).isEqualTo(10);
            assertThat(p.getPool().getName()).isNull();
            assertThat(p.getPool().getConnectionTimeout()).isNull();
            assertThat(p.getHealth().getMaxLag()).isEqualTo(Duration.ofMinutes(1));
            assertThat(p.getHealth().getMaxFailedUploads()).isEqualTo(3);
        });
    }

    @Test
    void bindsEveryPropertyWithLitestreamStyleDurations() {
        runner.withPropertyValues(
                "durable-sqlite.enabled=true",
                "durable-sqlite.path=data/app.db",
                "durable-sqlite.replica.url=s3://bucket/app?endpoint=http://127.0.0.1:9000",
                "durable-sqlite.replica.access-key-id=AKID",
                "durable-sqlite.replica.secret-access-key=SECRET",
                "durable-sqlite.sync-interval=200ms",
                "durable-sqlite.busy-timeout=5m",
                "durable-sqlite.close-timeout=24h",
                "durable-sqlite.page-encoding=block",
                "durable-sqlite.checkpoint-pages=4000",
                "durable-sqlite.restore.if-missing=false",
                "durable-sqlite.state-dir=/var/lib/app/state",
                "durable-sqlite.pool.maximum-pool-size=4",
                "durable-sqlite.pool.name=notes",
                "durable-sqlite.pool.connection-timeout=1500ms",
                "durable-sqlite.health.max-lag=30s",
                "durable-sqlite.health.max-failed-uploads=5").run(context -> {
                    DurableSqliteProperties p = context.getBean(DurableSqliteProperties.class);
                    assertThat(p.getPath()).isEqualTo("data/app.db");
                    assertThat(p.getReplica().getUrl()).isEqualTo("s3://bucket/app?endpoint=http://127.0.0.1:9000");
                    assertThat(p.getReplica().getAccessKeyId()).isEqualTo("AKID");
                    assertThat(p.getReplica().getSecretAccessKey()).isEqualTo("SECRET");
                    assertThat(p.getSyncInterval()).isEqualTo(Duration.ofMillis(200));
                    assertThat(p.getBusyTimeout()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(p.getCloseTimeout()).isEqualTo(Duration.ofHours(24));
                    assertThat(p.getPageEncoding()).isEqualTo(PageEncoding.BLOCK);
                    assertThat(p.getCheckpointPages()).isEqualTo(4000);
                    assertThat(p.getRestore().isIfMissing()).isFalse();
                    assertThat(p.getStateDir()).isEqualTo("/var/lib/app/state");
                    assertThat(p.getPool().getMaximumPoolSize()).isEqualTo(4);
                    assertThat(p.getPool().getName()).isEqualTo("notes");
                    assertThat(p.getPool().getConnectionTimeout()).isEqualTo(Duration.ofMillis(1500));
                    assertThat(p.getHealth().getMaxLag()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(p.getHealth().getMaxFailedUploads()).isEqualTo(5);
                });
    }

    @Test
    void durationsAlsoAcceptIso8601() {
        runner.withPropertyValues("durable-sqlite.sync-interval=PT0.5S", "durable-sqlite.health.max-lag=PT2M")
                .run(context -> {
                    DurableSqliteProperties p = context.getBean(DurableSqliteProperties.class);
                    assertThat(p.getSyncInterval()).isEqualTo(Duration.ofMillis(500));
                    assertThat(p.getHealth().getMaxLag()).isEqualTo(Duration.ofMinutes(2));
                });
    }

    @Test
    void aDurationWithoutAUnitIsMilliseconds() {
        runner.withPropertyValues("durable-sqlite.sync-interval=250").run(context ->
                assertThat(context.getBean(DurableSqliteProperties.class).getSyncInterval())
                        .isEqualTo(Duration.ofMillis(250)));
    }

    @Test
    void aDurationSpelledAsGoCompoundsIsRejected() {
        // Boot's converter takes one number and one unit; "1m30s" must be written "90s".
        runner.withPropertyValues("durable-sqlite.sync-interval=1m30s").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("1m30s"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(DurableSqliteProperties.class)
    static class PropertiesOnly {
    }
}
