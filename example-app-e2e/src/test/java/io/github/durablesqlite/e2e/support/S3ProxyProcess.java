package io.github.durablesqlite.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy as a separate process on a loopback port, objects on disk ({@code filesystem-nio2}), AWS
 * signature v4 with a fixed key pair. {@link #stop()} takes it off the network like an outage;
 * {@link #start()} brings the same objects back on the same port.
 */
public final class S3ProxyProcess implements AutoCloseable {

    public static final String ACCESS_KEY = "e2e-access-key";
    public static final String SECRET_KEY = "e2e-secret-key-5b1f9c2d";
    public static final String REGION = "us-east-1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final int port;
    private final Path properties;
    private ChildProcess process;
    private int starts;

    private S3ProxyProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
        this.properties = dir.resolve("s3proxy.properties");
    }

    /** Starts a server whose objects live under {@code dir}. */
    public static S3ProxyProcess start(Path dir) {
        S3ProxyProcess server = new S3ProxyProcess(dir, FreePorts.next());
        server.writeProperties();
        server.start();
        return server;
    }

    /** Starts the server (again), on the same port and over the same objects; returns once it answers S3 calls. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("S3Proxy already runs: " + process);
        }
        starts++;
        process = ChildProcess.start("S3Proxy",
                List.of(ChildProcess.java(), "-Xmx512m", "-jar", E2eFiles.s3ProxyJar().toString(),
                        "--properties", properties.toString()),
                Map.of(), dir, dir.resolve("s3proxy-" + starts + ".log"));
        try (S3Client s3 = newS3Client()) {
            Await.until("S3Proxy to answer on " + endpoint() + " (log " + process.log() + ")", START_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("S3Proxy exited with " + process.awaitExit(Duration.ZERO) + ":\n"
                            + process.logTail(30));
                }
                s3.listBuckets();
                return true;
            });
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s); objects stay on disk. */
    public synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.terminate();
        try {
            process.awaitExit(Duration.ofSeconds(10));
        } catch (AssertionError stillRunning) {
            process.kill();
            process.awaitExit(Duration.ofSeconds(10));
        }
        Await.until("port " + port + " to close after S3Proxy stopped", Duration.ofSeconds(10),
                () -> !FreePorts.accepts(port));
    }

    /** Creates a bucket through the S3 API and returns its name. */
    public String createBucket(String bucket) {
        try (S3Client s3 = newS3Client()) {
            s3.createBucket(request -> request.bucket(bucket));
        }
        return bucket;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** {@code s3://bucket/prefix?endpoint=...&region=us-east-1&force-path-style=true}, as Litestream spells it. */
    public String replicaUrl(String bucket, String prefix) {
        return "s3://" + bucket + "/" + prefix + "?endpoint=" + endpoint() + "&region=" + REGION + "&force-path-style=true";
    }

    /** The variables that give the app (or the CLI) this server's credentials. */
    public Map<String, String> credentials() {
        return Map.of("LITESTREAM_ACCESS_KEY_ID", ACCESS_KEY, "LITESTREAM_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    /** A plain SDK client for looking at the bucket behind the app's back; close it. */
    public S3Client newS3Client() {
        return S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder())
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.close();
        }
    }

    private void writeProperties() {
        Path blobs = dir.resolve("blobs");
        String text = String.join("\n",
                "s3proxy.endpoint=" + endpoint(),
                "s3proxy.authorization=aws-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem-nio2",
                "jclouds.identity=" + ACCESS_KEY,
                "jclouds.credential=" + SECRET_KEY,
                "jclouds.filesystem.basedir=" + blobs,
                "");
        try {
            Files.createDirectories(blobs);
            Files.writeString(properties, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + properties, e);
        }
    }
}
