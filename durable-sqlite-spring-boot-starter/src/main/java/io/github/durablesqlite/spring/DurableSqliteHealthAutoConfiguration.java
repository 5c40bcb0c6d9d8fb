package io.github.durablesqlite.spring;

import io.github.durablesqlite.DurableDataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code durableSqlite} health component. A separate auto-configuration, ordered after the
 * DataSource's, so that it can see whether a {@link DurableDataSource} exists (also one the
 * application defined itself).
 */
@AutoConfiguration(after = DurableSqliteAutoConfiguration.class)
@ConditionalOnClass({DurableDataSource.class, HealthIndicator.class})
@ConditionalOnProperty(prefix = "durable-sqlite", name = "enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(DurableDataSource.class)
@ConditionalOnEnabledHealthIndicator("durableSqlite")
@EnableConfigurationProperties(DurableSqliteProperties.class)
public final class DurableSqliteHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "durableSqliteHealthIndicator")
    DurableSqliteHealthIndicator durableSqliteHealthIndicator(DurableDataSource dataSource,
                                                              DurableSqliteProperties properties) {
        DurableSqliteProperties.Health health = properties.getHealth();
        return new DurableSqliteHealthIndicator(dataSource, properties.getReplica().getUrl(), health.getMaxLag(),
                health.getMaxFailedUploads()).withCommitMaxLag(properties.getMaxLag(),
                properties.getMaxLagPolicy().name().toLowerCase(java.util.Locale.ROOT));
    }
}
