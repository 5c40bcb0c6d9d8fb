package io.github.durablesqlite.spring;

import io.github.durablesqlite.DurableDataSource;
import java.time.Duration;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Makes chosen transactions durable in the replica while the rest stay asynchronous: call
 * {@link #afterCommit()} inside a transaction (e.g. a {@code @Transactional} method that takes a
 * payment) and its commit returns to the caller only once the replica holds it. The wait is
 * bounded by {@code durable-sqlite.commit-timeout}; past it the commit has happened locally, and
 * the caller gets the {@link io.github.durablesqlite.ReplicationException}.
 */
public class ReplicationAwaiter {
    private final DurableDataSource dataSource;
    private final Duration timeout;

    public ReplicationAwaiter(DurableDataSource dataSource, Duration timeout) {
        this.dataSource = dataSource;
        this.timeout = timeout;
    }

    /**
     * In a transaction: waits, once it has committed, until the replica holds it. Outside one: waits
     * now for everything committed so far.
     */
    public void afterCommit() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            awaitReplicated();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                awaitReplicated();
            }
        });
    }

    /** Waits until everything committed so far is in the replica; returns the TXID it holds. */
    public long awaitReplicated() {
        return dataSource.awaitReplicated(timeout);
    }
}
