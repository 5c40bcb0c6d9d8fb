package io.github.durablesqlite.spring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The event meters of one database in one registry, created once so recording is a field access. */
final class DurableSqliteMeters {

    final Counter syncs;
    final Counter syncErrors;
    final Timer syncDuration;
    final Counter bytesShipped;
    final Counter uploadSuccesses;
    final Counter uploadErrors;
    final Counter completeCheckpoints;
    final Counter partialCheckpoints;
    final Counter restores;

    private final MeterRegistry registry;
    private final Tags tags;
    private final Map<String, Timer> storeRequests = new ConcurrentHashMap<>();

    DurableSqliteMeters(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
        syncs = counter("durable.sqlite.syncs", "Syncs that staged an LTX file", Tags.empty());
        syncErrors = counter("durable.sqlite.sync.errors", "Syncs that failed and will be retried", Tags.empty());
        syncDuration = Timer.builder("durable.sqlite.sync.duration")
                .description("Time to read new WAL frames and stage them as one LTX file").tags(tags).register(registry);
        bytesShipped = Counter.builder("durable.sqlite.bytes.shipped").baseUnit("bytes")
                .description("Bytes of LTX files uploaded to the replica").tags(tags).register(registry);
        uploadSuccesses = counter("durable.sqlite.uploads", "Uploads of staged LTX files to the replica",
                Tags.of("outcome", "success"));
        uploadErrors = counter("durable.sqlite.uploads", "Uploads of staged LTX files to the replica",
                Tags.of("outcome", "error"));
        completeCheckpoints = counter("durable.sqlite.checkpoints", "Checkpoints of frames already replicated",
                Tags.of("complete", "true"));
        partialCheckpoints = counter("durable.sqlite.checkpoints", "Checkpoints of frames already replicated",
                Tags.of("complete", "false"));
        restores = counter("durable.sqlite.restores", "Restores of the database from the replica", Tags.empty());
    }

    /** The timer of one kind of object-store request; the engine names the operations and outcomes. */
    Timer storeRequest(String operation, String outcome) {
        return storeRequests.computeIfAbsent(operation + '\n' + outcome, key -> Timer
                .builder("durable.sqlite.store.requests")
                .description("Requests to the replica's object store")
                .tags(tags).tag("operation", operation).tag("outcome", outcome)
                .register(registry));
    }

    private Counter counter(String name, String description, Tags extra) {
        return Counter.builder(name).description(description).tags(tags.and(extra)).register(registry);
    }
}
