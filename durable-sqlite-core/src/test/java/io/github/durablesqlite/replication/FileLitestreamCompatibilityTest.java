package io.github.durablesqlite.replication;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

class FileLitestreamCompatibilityTest extends LitestreamCompatibilityContract {
    private final AtomicInteger replicas = new AtomicInteger();

    @Override
    String newReplicaUrl() {
        return dir.resolve("replica-" + replicas.incrementAndGet()).toUri().toString();
    }

    @Override
    Map<String, String> env() {
        return Map.of();
    }
}
