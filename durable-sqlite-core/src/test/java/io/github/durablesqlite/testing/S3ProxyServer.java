package io.github.durablesqlite.testing;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server in this JVM for tests: S3Proxy on a free loopback port, objects in memory,
 * AWS signature v4 with a fixed key pair.
 *
 * <p>Use {@link #shared()} in most tests (one server per test JVM, stopped at exit; give each test
 * its own bucket with {@link #newBucket()}), or {@link #start()} for a private one to close.
 * Buckets of the in-memory store live as long as the server.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "durable-sqlite-test-key";
    public static final String SECRET_KEY = "durable-sqlite-test-secret-8d3f0c1a";
    public static final String REGION = "us-east-1";

    static {
        TestLogging.quietLibrariesUnlessConfigured();
    }

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3ProxyServer shared;

    private S3Proxy proxy;
    private final BlobStore blobStore;
    private final URI endpoint;
    private final String accessKey;
    private final String secretKey;

    private S3ProxyServer(String accessKey, String secretKey) throws Exception {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        blobStore = new TransientNio2BlobStore();
        proxy = newProxy(0);
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    private S3Proxy newProxy(int port) throws Exception {
        S3Proxy started = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V4, accessKey, secretKey)
                .build();
        started.start();
        return started;
    }

    /** Takes the server off the network (connections are refused) while keeping every object. */
    public synchronized void outage() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        }
    }

    /** Ends an {@link #outage()}: the same objects answer on the same port again. */
    public synchronized void recover() {
        try {
            proxy = newProxy(endpoint.getPort());
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not restart on " + endpoint, e);
        }
    }

    /** Starts a private server; close it when done. */
    public static S3ProxyServer start() {
        return start(ACCESS_KEY, SECRET_KEY);
    }

    /** Starts a private server that accepts only this key pair (e.g. marker values a test scans output for). */
    public static S3ProxyServer start(String accessKey, String secretKey) {
        try {
            return new S3ProxyServer(accessKey, secretKey);
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not start", e);
        }
    }

    /** The server shared by every test in this JVM, started on first use and stopped at exit. */
    public static synchronized S3ProxyServer shared() {
        if (shared == null) {
            S3ProxyServer server = start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "s3proxy-shutdown"));
            shared = server;
        }
        return shared;
    }

    /** Creates a bucket (no-op if it exists) and returns its name. */
    public String createBucket(String bucket) {
        blobStore.createContainer(bucket);
        return bucket;
    }

    /** Creates a bucket with a name no other test in this JVM uses. */
    public String newBucket() {
        return createBucket("test-bucket-" + BUCKETS.incrementAndGet());
    }

    public URI endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** {@code s3://bucket/prefix?endpoint=...&region=us-east-1&force-path-style=true}, as Litestream takes it. */
    public String replicaUrl(String bucket, String prefix) {
        String path = prefix == null || prefix.isEmpty() ? "" : "/" + prefix;
        return "s3://" + bucket + path + "?endpoint=" + endpoint + "&region=" + REGION + "&force-path-style=true";
    }

    /** The environment that hands this server's credentials to a replica client or a Litestream process. */
    public Map<String, String> env() {
        return Map.of("LITESTREAM_ACCESS_KEY_ID", accessKey, "LITESTREAM_SECRET_ACCESS_KEY", secretKey);
    }

    /** A plain SDK client for this server, for looking behind a replica client's back; close it. */
    public S3Client newS3Client() {
        return S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder())
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** Flips one bit in the middle of the newest object (by key) under {@code keyPrefix}; returns its key. */
    public String damageNewest(String bucket, String keyPrefix) {
        try (S3Client s3 = newS3Client()) {
            String newest = s3.listObjectsV2(b -> b.bucket(bucket).prefix(keyPrefix)).contents().stream()
                    .map(software.amazon.awssdk.services.s3.model.S3Object::key).max(String::compareTo).orElseThrow();
            byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(newest)).asByteArray();
            bytes[bytes.length / 2] ^= 0x08;
            s3.putObject(b -> b.bucket(bucket).key(newest),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
            return newest;
        }
    }

    /** Stops a private server; the shared one ignores this and stops when the JVM exits. */
    @Override
    public void close() {
        synchronized (S3ProxyServer.class) {
            if (this == shared) {
                return;
            }
        }
        stop();
    }

    private void stop() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        } finally {
            blobStore.close();
        }
    }
}
