package io.github.durablesqlite.replication;

import io.github.durablesqlite.testing.S3ProxyServer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

class S3LitestreamCompatibilityTest extends LitestreamCompatibilityContract {
    private static final S3ProxyServer S3 = S3ProxyServer.shared();
    private final String bucket = S3.newBucket();
    private final AtomicInteger replicas = new AtomicInteger();

    @Override
    String newReplicaUrl() {
        return S3.replicaUrl(bucket, "compat/db-" + replicas.incrementAndGet());
    }

    @Override
    Map<String, String> env() {
        return S3.env();
    }
}
