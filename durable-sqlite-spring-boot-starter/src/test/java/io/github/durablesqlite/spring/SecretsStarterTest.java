package io.github.durablesqlite.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.testing.S3ProxyServer;
import io.github.durablesqlite.testing.SecretScan;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Credentials given as {@code durable-sqlite.replica.*} properties never reach a log line, a
 * start-up failure or its analysis, the {@code durableSqlite} health details, or a meter's name,
 * tags or values, on the failure paths of a Spring application: wrong credentials, a missing
 * bucket, a store outage, and a start that cannot restore.
 */
class SecretsStarterTest {
    private static S3ProxyServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = S3ProxyServer.start(SecretScan.ACCESS_KEY, SecretScan.SECRET_KEY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private ApplicationContextRunner runner(String name, String url, String secret) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DurableSqliteAutoConfiguration.class,
                        DurableSqliteHealthAutoConfiguration.class, DataSourceAutoConfiguration.class,
                        MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class))
                .withPropertyValues("durable-sqlite.path=" + dir.resolve(name).resolve("app.db"),
                        "durable-sqlite.replica.url=" + url,
                        "durable-sqlite.replica.access-key-id=" + SecretScan.ACCESS_KEY,
                        "durable-sqlite.replica.secret-access-key=" + secret,
                        "durable-sqlite.close-timeout=2s");
    }

    private void localDatabase(String name) throws Exception {
        Path db = Files.createDirectories(dir.resolve(name)).resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE t(v TEXT)");
        }
    }

    /** Writes, then records what health, metrics and status show. */
    private static void observe(AssertableApplicationContext context, SecretScan scan) throws Exception {
        assertThat(context).hasNotFailed();
        DurableDataSource ds = context.getBean(DurableDataSource.class);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t VALUES ('kept locally')");
        }
        try {
            ds.replicateNow(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            scan.add(e);
        }
        Health health = ((HealthIndicator) context.getBean("durableSqliteHealthIndicator")).health();
        scan.add(health);
        scan.add(health.getDetails());
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        for (Meter meter : registry.getMeters()) {
            scan.add(meter.getId());
            scan.add(meter.measure());
        }
        scan.add(ds.status());
        scan.add(context.getBean(DurableSqliteProperties.class));
    }

    @Test
    void noFailurePathShowsTheCredentials() throws Exception {
        try (SecretScan scan = new SecretScan()) {
            String url = server.replicaUrl(server.newBucket(), "app");

            localDatabase("wrong-secret");
            runner("wrong-secret", url, SecretScan.WRONG_SECRET).run(context -> observe(context, scan));

            localDatabase("no-bucket");
            runner("no-bucket", server.replicaUrl("no-such-bucket", "app"), SecretScan.SECRET_KEY)
                    .run(context -> observe(context, scan));

            localDatabase("outage");
            runner("outage", url, SecretScan.SECRET_KEY).run(context -> {
                observe(context, scan);
                server.outage();
                try {
                    observe(context, scan);
                } finally {
                    server.recover();
                }
            });

            // No local database and a replica that refuses the credentials: the start fails, explained.
            runner("cannot-restore", url, SecretScan.WRONG_SECRET).run(context -> {
                assertThat(context).hasFailed();
                scan.add(context.getStartupFailure());
                var analysis = new DurableSqliteFailureAnalyzer().analyze(context.getStartupFailure());
                assertThat(analysis).isNotNull();
                scan.add(analysis.getDescription());
                scan.add(analysis.getAction());
            });

            assertThat(scan.logLines()).as("log lines captured").isGreaterThan(5);
            assertThat(scan.all()).as("the failures were seen").contains("no-such-bucket")
                    .containsIgnoringCase("denied").contains("durable.sqlite.").contains("lastError=");
            scan.assertNoSecret();
        }
    }
}
