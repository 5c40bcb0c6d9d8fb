package io.github.durablesqlite.spring;

import io.github.durablesqlite.ReplicationStatus;
import io.github.durablesqlite.replication.ReplicationMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters of one durable database, under {@code durable.sqlite.*} and tagged with the
 * database's name. The engine reports to it from the moment the DataSource is built, which is
 * before Spring binds meter binders: events until then are kept (up to
 * {@value #MAX_BUFFERED_EVENTS}) and replayed into the first registry, so the start-up restore
 * and first syncs are counted too.
 */
public class DurableSqliteMetrics implements MeterBinder, ReplicationMetrics {

    static final int MAX_BUFFERED_EVENTS = 1000;

    private final Tags tags;
    private final Clock clock;
    private final BacklogAge backlog = new BacklogAge();
    private final Object lock = new Object();
    private final List<Consumer<DurableSqliteMeters>> buffered = new ArrayList<>();
    private volatile List<DurableSqliteMeters> bound = List.of();
    private volatile Supplier<ReplicationStatus> status;

    public DurableSqliteMetrics(String databaseName) {
        this(databaseName, Clock.systemUTC());
    }

    DurableSqliteMetrics(String databaseName, Clock clock) {
        this.tags = Tags.of("name", Objects.requireNonNull(databaseName, "databaseName"));
        this.clock = clock;
    }

    /** Where the gauges read TXIDs and lag from; until this is called they read NaN. */
    public void observe(Supplier<ReplicationStatus> source) {
        this.status = Objects.requireNonNull(source, "source");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        txid(registry, "local", s -> s.localTxid());
        txid(registry, "remote", s -> s.remoteTxid());
        Gauge.builder("durable.sqlite.pending.txids", this, m -> m.read(s -> s.pendingTxids()))
                .description("TXIDs captured locally but not yet in the replica").tags(tags).register(registry);
        Gauge.builder("durable.sqlite.lag", this,
                        m -> m.read(s -> m.backlog.lag(s, m.clock.instant()).toNanos() / 1e9))
                .description("How long changes have waited for the replica; 0 when caught up")
                .baseUnit("seconds").tags(tags).register(registry);
        DurableSqliteMeters meters = new DurableSqliteMeters(registry, tags);
        synchronized (lock) {
            if (bound.isEmpty()) {
                buffered.forEach(event -> event.accept(meters));
                buffered.clear();
            }
            List<DurableSqliteMeters> next = new ArrayList<>(bound);
            next.add(meters);
            bound = List.copyOf(next);
        }
    }

    private void txid(MeterRegistry registry, String side, ToDoubleFunction<ReplicationStatus> value) {
        // One description for both sides: Prometheus keeps one help text per metric name.
        Gauge.builder("durable.sqlite.txid", this, m -> m.read(value))
                .description("Newest TXID captured from the WAL (side=local) or known to be in the replica (side=remote)")
                .tags(tags).tag("side", side).register(registry);
    }

    private double read(ToDoubleFunction<ReplicationStatus> value) {
        Supplier<ReplicationStatus> source = status;
        ReplicationStatus current = source == null ? null : source.get();
        return current == null ? Double.NaN : value.applyAsDouble(current);
    }

    @Override
    public void synced(long txid, int pages, long bytes, long nanos) {
        record(m -> {
            m.syncs.increment();
            m.syncDuration.record(nanos, TimeUnit.NANOSECONDS);
        });
    }

    @Override
    public void syncFailed() {
        record(m -> m.syncErrors.increment());
    }

    @Override
    public void uploaded(long bytes, long nanos) {
        record(m -> {
            m.uploadSuccesses.increment();
            m.bytesShipped.increment(bytes);
        });
    }

    @Override
    public void uploadFailed() {
        record(m -> m.uploadErrors.increment());
    }

    @Override
    public void checkpointed(boolean complete) {
        record(m -> (complete ? m.completeCheckpoints : m.partialCheckpoints).increment());
    }

    @Override
    public void restored(long txid, long bytes, long nanos) {
        record(m -> m.restores.increment());
    }

    @Override
    public void storeRequest(String operation, String outcome, long nanos) {
        record(m -> m.storeRequest(operation, outcome).record(nanos, TimeUnit.NANOSECONDS));
    }

    private void record(Consumer<DurableSqliteMeters> event) {
        List<DurableSqliteMeters> targets = bound;
        if (targets.isEmpty()) {
            synchronized (lock) {
                targets = bound;
                if (targets.isEmpty()) {
                    if (buffered.size() < MAX_BUFFERED_EVENTS) {
                        buffered.add(event);
                    }
                    return;
                }
            }
        }
        for (DurableSqliteMeters meters : targets) {
            event.accept(meters);
        }
    }
}
