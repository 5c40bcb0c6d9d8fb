package io.github.durablesqlite.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.replication.ReplicationMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.sqlite.SQLiteDataSource;

/** What the auto-configuration defines, what makes it back off, and how the pool is set up. */
class DurableSqliteAutoConfigurationTest {

    private static final Class<?>[] METRICS = {MetricsAutoConfiguration.class,
            CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
            DataSourcePoolMetricsAutoConfiguration.class};

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DurableSqliteAutoConfiguration.class,
                        DurableSqliteHealthAutoConfiguration.class, DataSourceAutoConfiguration.class))
                .withPropertyValues("durable-sqlite.path=" + dir.resolve("app.db"),
                        "durable-sqlite.replica.url=file://" + dir.resolve("replica"));
    }

    @Test
    void definesAStartedDurableDataSourceInPlaceOfBootsOwn() {
        runner().run(context -> {
            assertThat(context).hasSingleBean(DataSource.class);
            assertThat(context.getBean(DataSource.class)).isInstanceOf(DurableDataSource.class);
            // Started with the bean, before anyone asked for a connection: the file and its first sync exist.
            assertThat(dir.resolve("app.db")).exists();
            assertThat(context.getBean(DurableDataSource.class).status().syncs()).isPositive();
            assertThat(context).hasSingleBean(DurableSqliteMetrics.class);
            assertThat(context).hasBean("durableSqliteHealthIndicator");
            assertThat(context.getBean("durableSqliteHealthIndicator")).isInstanceOf(HealthIndicator.class);
        });
    }

    @Test
    void closesTheDataSourceWithTheContextAfterAFinalSync() throws Exception {
        DurableDataSource[] captured = new DurableDataSource[1];
        runner().run(context -> {
            DurableDataSource dataSource = context.getBean(DurableDataSource.class);
            captured[0] = dataSource;
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(v TEXT)");
                s.execute("INSERT INTO t VALUES ('last words')");
            }
        });
        assertThatThrownBy(captured[0]::getConnection).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        try (var files = Files.list(dir.resolve("replica/ltx/0"))) {
            assertThat(files.count()).as("LTX files in the replica").isPositive();
        }
    }

    @Test
    void backsOffWhenTheApplicationDefinesADataSource() {
        runner().withPropertyValues("durable-sqlite.path=", "durable-sqlite.replica.url=")
                .withUserConfiguration(UserDataSource.class).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(DataSource.class);
                    assertThat(context).doesNotHaveBean(DurableDataSource.class);
                    assertThat(context).doesNotHaveBean(DurableSqliteMetrics.class);
                    assertThat(context).doesNotHaveBean("durableSqliteHealthIndicator");
                    assertThat(dir.resolve("app.db")).doesNotExist();
                });
    }

    @Test
    void backsOffWhenDisabled() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DurableSqliteAutoConfiguration.class,
                        DurableSqliteHealthAutoConfiguration.class))
                .withPropertyValues("durable-sqlite.enabled=false", "durable-sqlite.path=" + dir.resolve("app.db"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(DataSource.class);
                    assertThat(context).doesNotHaveBean(DurableSqliteProperties.class);
                    assertThat(context).doesNotHaveBean(DurableSqliteMetrics.class);
                    assertThat(context).doesNotHaveBean("durableSqliteHealthIndicator");
                    assertThat(dir.resolve("app.db")).doesNotExist();
                });
    }

    @Test
    void withoutMicrometerThereIsNoMeterBinder() {
        runner().withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run(context -> {
            assertThat(context).hasSingleBean(DurableDataSource.class);
            assertThat(context).doesNotHaveBean(DurableSqliteMetrics.class);
            assertThat(context).hasBean("durableSqliteHealthIndicator");
        });
    }

    @Test
    void withoutTheHealthApiThereIsNoHealthIndicator() {
        runner().withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> {
            assertThat(context).hasSingleBean(DurableDataSource.class);
            assertThat(context).doesNotHaveBean("durableSqliteHealthIndicator");
        });
    }

    @Test
    void theHealthIndicatorCanBeSwitchedOffLikeBootsOwn() {
        runner().withPropertyValues("management.health.durableSqlite.enabled=false").run(context -> {
            assertThat(context).hasSingleBean(DurableDataSource.class);
            assertThat(context).doesNotHaveBean("durableSqliteHealthIndicator");
        });
    }

    @Test
    void meterBinderAndBootsPoolMetricsReachTheRegistry() {
        runner().withConfiguration(AutoConfigurations.of(METRICS)).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("durable.sqlite.txid").tag("name", "app.db").tag("side", "local").gauge().value())
                    .isEqualTo(1);
            assertThat(registry.get("durable.sqlite.syncs").tag("name", "app.db").counter().count()).isPositive();
            assertThat(registry.get("hikaricp.connections").tag("pool", "durable-sqlite-app.db").gauge().value())
                    .isPositive();
        });
    }

    @Test
    void anApplicationDefinedDurableDataSourceGetsHealthAndItsOwnMetrics() {
        runner().withConfiguration(AutoConfigurations.of(METRICS)).withUserConfiguration(UserDurableDataSource.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(DurableDataSource.class);
                    assertThat(context.getBean(DurableDataSource.class).path()).hasFileName("own.db");
                    assertThat(context).getBean(DurableSqliteMetrics.class)
                            .isSameAs(context.getBean("ownMetrics"));
                    HealthIndicator health = context.getBean("durableSqliteHealthIndicator", HealthIndicator.class);
                    assertThat(health.health().getStatus().getCode()).isEqualTo("UP");
                    assertThat(context.getBean(MeterRegistry.class).get("durable.sqlite.txid").tag("name", "own.db")
                            .tag("side", "local").gauge().value()).isEqualTo(1);
                });
    }

    @Test
    void anApplicationDefinedReplicationMetricsReceivesTheEnginesEvents() {
        runner().withUserConfiguration(UserMetrics.class).run(context -> {
            assertThat(context).doesNotHaveBean(DurableSqliteMetrics.class);
            assertThat(context.getBean(CountingMetrics.class).syncs.get()).isPositive();
        });
    }

    @Test
    void poolPropertiesReachHikari() {
        runner().withPropertyValues("durable-sqlite.pool.name=notes-pool", "durable-sqlite.pool.maximum-pool-size=3",
                "durable-sqlite.pool.connection-timeout=2s").run(context -> {
                    HikariDataSource pool = context.getBean(DurableDataSource.class).unwrap(HikariDataSource.class);
                    assertThat(pool.getPoolName()).isEqualTo("notes-pool");
                    assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
                    assertThat(pool.getConnectionTimeout()).isEqualTo(2000);
                });
    }

    @Test
    void thePoolIsNamedAfterTheDatabaseByDefault() {
        runner().run(context -> {
            HikariDataSource pool = context.getBean(DurableDataSource.class).unwrap(HikariDataSource.class);
            assertThat(pool.getPoolName()).isEqualTo("durable-sqlite-app.db");
            assertThat(pool.getMaximumPoolSize()).isEqualTo(10);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserDataSource {
        @Bean
        DataSource dataSource() {
            SQLiteDataSource dataSource = new SQLiteDataSource();
            dataSource.setUrl("jdbc:sqlite::memory:");
            return dataSource;
        }
    }

    /** As docs/configuration.md shows it. */
    @Configuration(proxyBeanMethods = false)
    static class UserDurableDataSource {
        @Bean
        DurableSqliteMetrics ownMetrics() {
            return new DurableSqliteMetrics("own.db");
        }

        @Bean(destroyMethod = "close")
        DurableDataSource dataSource(DurableSqliteProperties properties, DurableSqliteMetrics metrics) {
            Path db = Path.of(properties.getPath()).resolveSibling("own.db");
            DurableDataSource dataSource = DurableSqlite.configure().path(db)
                    .replicaUrl(properties.getReplica().getUrl()).metrics(metrics).build();
            metrics.observe(dataSource::status);
            dataSource.start();
            return dataSource;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserMetrics {
        @Bean
        CountingMetrics countingMetrics() {
            return new CountingMetrics();
        }
    }

    static class CountingMetrics implements ReplicationMetrics {
        final AtomicInteger syncs = new AtomicInteger();

        @Override
        public void synced(long txid, int pages, long bytes, long nanos) {
            syncs.incrementAndGet();
        }
    }
}
