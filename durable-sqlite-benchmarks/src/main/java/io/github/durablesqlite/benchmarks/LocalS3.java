package io.github.durablesqlite.benchmarks;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy on a free loopback port with objects in memory: the store every contender writes to,
 * each under its own prefix, reached over HTTP (in-process code and child processes alike).
 */
final class LocalS3 implements AutoCloseable {
    static final String BUCKET = "bench";
    static final String REGION = "us-east-1";
    private static final String ACCESS_KEY = "bench-access-key";
    private static final String SECRET_KEY = "bench-secret-key";

    private final S3Proxy proxy;
    private final URI endpoint;
    private final CountingBlobStore store;

    private LocalS3(S3Proxy proxy, URI endpoint, CountingBlobStore store) {
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.store = store;
    }

    static LocalS3 start() throws Exception {
        CountingBlobStore store = new CountingBlobStore(new TransientNio2BlobStore());
        store.createContainer(BUCKET);
        S3Proxy proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        return new LocalS3(proxy, URI.create("http://127.0.0.1:" + proxy.getPort()), store);
    }

    String replicaUrl(String prefix) {
        return "s3://" + BUCKET + "/" + prefix + "?endpoint=" + endpoint + "&region=" + REGION + "&force-path-style=true";
    }

    URI endpoint() {
        return endpoint;
    }

    /** Credentials the way durable-sqlite and Litestream read them. */
    Map<String, String> env() {
        return new HashMap<>(Map.of("LITESTREAM_ACCESS_KEY_ID", ACCESS_KEY, "LITESTREAM_SECRET_ACCESS_KEY", SECRET_KEY));
    }

    CountingBlobStore store() {
        return store;
    }

    /** A plain SDK client for reading the store the way any downloader would. */
    S3Client newClient() {
        return S3Client.builder().endpointOverride(endpoint).region(Region.of(REGION)).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /**
     * Deletes every object under {@code prefix}. The store keeps objects in a memory file system of
     * at most 4 GiB: a scenario with a large database frees its replicas before the next one starts.
     */
    void deleteAll(String prefix) {
        try (S3Client client = newClient()) {
            client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents()
                    .forEach(o -> client.deleteObject(b -> b.bucket(BUCKET).key(o.key())));
        }
        store.reset(prefix);
    }

    /** Waits until no object arrived under {@code prefix} for {@code quiet}: the replicator has caught up. */
    void awaitQuiet(String prefix, java.time.Duration quiet) throws InterruptedException {
        int seen = -1;
        while (seen != store.puts(prefix).size()) {
            seen = store.puts(prefix).size();
            Thread.sleep(quiet.toMillis());
        }
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
