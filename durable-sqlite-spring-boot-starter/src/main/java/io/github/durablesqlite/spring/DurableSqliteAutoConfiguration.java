package io.github.durablesqlite.spring;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.replication.ReplicationMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A {@link DurableDataSource} from {@code durable-sqlite.*} properties, in place of the DataSource
 * Spring Boot would otherwise build. It backs off when the application defines its own DataSource.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass(DurableDataSource.class)
@ConditionalOnProperty(prefix = "durable-sqlite", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(DurableSqliteProperties.class)
public final class DurableSqliteAutoConfiguration {

    /**
     * Started here, not on the first connection: Flyway, Liquibase and JPA depend on this bean, so
     * a lost database is restored before any of them opens it, and a replica that cannot be read
     * fails start-up instead of the first request. Closed after every bean that uses it, which on
     * SIGTERM is after the web server has stopped taking requests; close() makes the final upload.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(DataSource.class)
    DurableDataSource dataSource(DurableSqliteProperties properties, ObjectProvider<ReplicationMetrics> metrics) {
        SqliteLibraryCheck.warnIfAffected();
        ReplicationMetrics tracker = metrics.getIfUnique(() -> ReplicationMetrics.NONE);
        DurableDataSource dataSource = DurableDataSourceFactory.create(properties, tracker, System.getenv());
        if (tracker instanceof DurableSqliteMetrics binder) {
            binder.observe(dataSource::status);
        }
        dataSource.start();
        return dataSource;
    }

    /**
     * Meters for the DataSource defined above; it reports to them from the moment it is built. An
     * application that defines its own {@link ReplicationMetrics} bean gets that one instead.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnMissingBean(DataSource.class)
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean(ReplicationMetrics.class)
        DurableSqliteMetrics durableSqliteMetrics(DurableSqliteProperties properties) {
            return new DurableSqliteMetrics(DurableDataSourceFactory.databaseName(properties.getPath()));
        }
    }
}
