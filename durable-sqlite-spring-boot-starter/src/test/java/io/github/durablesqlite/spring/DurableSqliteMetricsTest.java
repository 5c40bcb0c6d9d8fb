package io.github.durablesqlite.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.ReplicationStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The binder's meters, and what happens to events that arrive before Spring binds it. */
class DurableSqliteMetricsTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final DurableSqliteMetrics metrics = new DurableSqliteMetrics("app.db", clock);
    private final MeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void countsEveryEngineEventUnderDurableSqlite() {
        metrics.bindTo(registry);
        metrics.synced(1, 2, 8192, 3_000_000);
        metrics.synced(2, 1, 4096, 1_000_000);
        metrics.syncFailed();
        metrics.uploaded(8192, 5_000_000);
        metrics.uploadFailed();
        metrics.checkpointed(true);
        metrics.checkpointed(false);
        metrics.checkpointed(false);
        metrics.restored(7, 65536, 9_000_000);
        metrics.storeRequest("write", "success", 4_000_000);
        metrics.storeRequest("list", "error", 2_000_000);

        assertThat(count("durable.sqlite.syncs")).isEqualTo(2);
        assertThat(count("durable.sqlite.sync.errors")).isEqualTo(1);
        Timer syncs = registry.get("durable.sqlite.sync.duration").tag("name", "app.db").timer();
        assertThat(syncs.count()).isEqualTo(2);
        assertThat(syncs.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(4.0);
        assertThat(count("durable.sqlite.bytes.shipped")).isEqualTo(8192);
        assertThat(registry.get("durable.sqlite.uploads").tag("outcome", "success").counter().count()).isEqualTo(1);
        assertThat(registry.get("durable.sqlite.uploads").tag("outcome", "error").counter().count()).isEqualTo(1);
        assertThat(registry.get("durable.sqlite.checkpoints").tag("complete", "true").counter().count()).isEqualTo(1);
        assertThat(registry.get("durable.sqlite.checkpoints").tag("complete", "false").counter().count()).isEqualTo(2);
        assertThat(count("durable.sqlite.restores")).isEqualTo(1);
        Timer writes = registry.get("durable.sqlite.store.requests").tag("operation", "write").tag("outcome", "success")
                .timer();
        assertThat(writes.count()).isEqualTo(1);
        assertThat(writes.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(4.0);
        assertThat(registry.get("durable.sqlite.store.requests").tag("operation", "list").tag("outcome", "error")
                .timer().count()).isEqualTo(1);
    }

    @Test
    void eventsBeforeBindingAreReplayedIntoTheFirstRegistry() {
        metrics.restored(7, 65536, 9_000_000);
        metrics.storeRequest("list", "success", 1_000_000);
        metrics.synced(8, 1, 4096, 1_000_000);
        metrics.bindTo(registry);
        metrics.synced(9, 1, 4096, 1_000_000);

        assertThat(count("durable.sqlite.restores")).isEqualTo(1);
        assertThat(count("durable.sqlite.syncs")).isEqualTo(2);
        assertThat(registry.get("durable.sqlite.store.requests").tag("operation", "list").timer().count()).isEqualTo(1);
    }

    @Test
    void theBufferBeforeBindingIsBounded() {
        for (int i = 0; i < DurableSqliteMetrics.MAX_BUFFERED_EVENTS + 500; i++) {
            metrics.syncFailed();
        }
        metrics.bindTo(registry);
        assertThat(count("durable.sqlite.sync.errors")).isEqualTo(DurableSqliteMetrics.MAX_BUFFERED_EVENTS);
    }

    @Test
    void aSecondRegistryGetsEventsFromItsBindingOn() {
        metrics.syncFailed();
        metrics.bindTo(registry);
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        metrics.bindTo(second);
        metrics.syncFailed();
        assertThat(count("durable.sqlite.sync.errors")).isEqualTo(2);
        assertThat(second.get("durable.sqlite.sync.errors").counter().count()).isEqualTo(1);
    }

    @Test
    void gaugesReadTheReplicationStatus() {
        metrics.bindTo(registry);
        assertThat(gauge("durable.sqlite.lag")).isNaN();

        metrics.observe(() -> new ReplicationStatus(12, 10, NOW.minusSeconds(5), NOW, 12, 0, null));
        assertThat(registry.get("durable.sqlite.txid").tag("side", "local").gauge().value()).isEqualTo(12);
        assertThat(registry.get("durable.sqlite.txid").tag("side", "remote").gauge().value()).isEqualTo(10);
        assertThat(gauge("durable.sqlite.pending.txids")).isEqualTo(2);
        assertThat(gauge("durable.sqlite.lag")).as("a backlog first seen now").isZero();
        clock.advance(Duration.ofMillis(1500));
        assertThat(gauge("durable.sqlite.lag")).isEqualTo(1.5);
        assertThat(registry.get("durable.sqlite.lag").gauge().getId().getBaseUnit()).isEqualTo("seconds");
    }

    @Test
    void everyMeterIsTaggedWithTheDatabaseName() {
        metrics.bindTo(registry);
        metrics.storeRequest("open", "success", 1);
        assertThat(registry.getMeters()).isNotEmpty()
                .allSatisfy(meter -> assertThat(meter.getId().getTag("name")).isEqualTo("app.db"));
        assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getName())
                .startsWith("durable.sqlite."));
    }

    private double count(String name) {
        return registry.get(name).tag("name", "app.db").counter().count();
    }

    private double gauge(String name) {
        return registry.get(name).tag("name", "app.db").gauge().value();
    }
}
