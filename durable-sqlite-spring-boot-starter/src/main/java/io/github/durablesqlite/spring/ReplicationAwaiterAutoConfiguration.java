package io.github.durablesqlite.spring;

import io.github.durablesqlite.DurableDataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The {@link ReplicationAwaiter}, ordered after the DataSource's auto-configuration so that it sees
 * whether a {@link DurableDataSource} exists (also one the application defined itself).
 */
@AutoConfiguration(after = DurableSqliteAutoConfiguration.class)
@ConditionalOnClass({DurableDataSource.class, TransactionSynchronizationManager.class})
@ConditionalOnProperty(prefix = "durable-sqlite", name = "enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(DurableDataSource.class)
@EnableConfigurationProperties(DurableSqliteProperties.class)
public final class ReplicationAwaiterAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ReplicationAwaiter replicationAwaiter(DurableDataSource dataSource, DurableSqliteProperties properties) {
        return new ReplicationAwaiter(dataSource, properties.getCommitTimeout());
    }
}
