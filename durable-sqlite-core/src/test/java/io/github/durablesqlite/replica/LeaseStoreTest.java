package io.github.durablesqlite.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.testing.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The lease object's compare-and-swap against a real S3 server (S3Proxy) and a real directory.
 * Concurrency is tested only through create, which S3Proxy makes atomic; replace and delete are
 * tested one step at a time (S3Proxy's If-Match is not atomic under concurrency).
 */
class LeaseStoreTest {
    private static final S3ProxyServer S3 = S3ProxyServer.shared();
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @TempDir
    Path dir;

    private ReplicaClient client(String type) throws Exception {
        String prefix = "lease-" + PREFIXES.incrementAndGet();
        String url = type.equals("s3") ? S3.replicaUrl(S3.newBucket(), prefix)
                : dir.resolve(prefix).toUri().toString();
        return ReplicaClients.open(ReplicaUrl.parse(url), S3.env());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "file"})
    void createsOnlyWhenAbsentAndChangesOnlyTheVersionItWasGiven(String type) throws Exception {
        try (ReplicaClient client = client(type)) {
            LeaseStore store = client.leaseStore();
            assertThat(store.read()).isNull();
            String v1 = store.create(bytes("one"));
            assertThat(v1).isNotNull();
            assertThat(store.create(bytes("two"))).as("a second create").isNull();
            assertThat(new String(store.read().content(), StandardCharsets.UTF_8)).isEqualTo("one");
            assertThat(store.read().version()).isEqualTo(v1);

            String v2 = store.replace(bytes("three"), v1);
            assertThat(v2).isNotNull().isNotEqualTo(v1);
            assertThat(store.replace(bytes("four"), v1)).as("a replace with a stale version").isNull();
            assertThat(new String(store.read().content(), StandardCharsets.UTF_8)).isEqualTo("three");

            assertThat(store.delete(v1)).as("a delete with a stale version").isFalse();
            assertThat(store.read()).isNotNull();
            assertThat(store.delete(v2)).isTrue();
            assertThat(store.read()).isNull();
            assertThat(store.delete(v2)).as("deleting what is gone").isTrue();
            assertThat(store.replace(bytes("five"), v2)).as("replacing what is gone").isNull();
            assertThat(store.read()).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "file"})
    void ofManyRacingToCreateExactlyOneWinsInEveryTrial(String type) throws Exception {
        int contenders = 8;
        int trials = 20;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            for (int trial = 0; trial < trials; trial++) {
                try (ReplicaClient client = client(type)) {
                    LeaseStore store = client.leaseStore();
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<String>> results = new ArrayList<>();
                    for (int i = 0; i < contenders; i++) {
                        byte[] content = bytes("contender " + i);
                        results.add(pool.submit(() -> {
                            go.await();
                            return store.create(content);
                        }));
                    }
                    go.countDown();
                    int winners = 0;
                    for (Future<String> result : results) {
                        winners += result.get() != null ? 1 : 0;
                    }
                    assertThat(winners).as("winners in trial " + trial).isEqualTo(1);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "file"})
    void theLeaseSitsBesideTheLevelsAndListingsIgnoreIt(String type) throws Exception {
        try (ReplicaClient client = client(type)) {
            client.leaseStore().create(bytes("{}"));
            for (int level = 0; level <= 9; level++) {
                assertThat(client.listFiles(level, true)).isEmpty();
            }
            assertThat(client.leaseStore().describe()).endsWith("/" + ReplicaClient.LEASE_OBJECT);
            if (type.equals("file")) {
                assertThat(Files.exists(Path.of(client.describe().substring("file://".length()))
                        .resolve(ReplicaClient.LEASE_OBJECT))).isTrue();
            } else {
                String key = client.leaseStore().describe().replaceFirst("s3://[^/]+/", "");
                assertThat(key).matches("lease-\\d+/lease\\.json");
                try (S3Client raw = S3.newS3Client()) {
                    String bucket = client.describe().replaceFirst("s3://([^/]+)/.*", "$1");
                    assertThat(raw.headObject(b -> b.bucket(bucket).key(key)).contentLength()).isEqualTo(2);
                }
            }
        }
    }
}
