package io.github.durablesqlite.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults an S3 replica meets in the field, each of which must end in a message a user can act on. */
class S3FailureTest {

    static final String WRONG_SECRET = "wrong-secret-Zq8vK2mP";

    static S3ProxyServer server;
    static String bucket;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.shared();
        bucket = server.newBucket();
    }

    @Test
    void aMissingBucketIsNamedWithTheFix() throws IOException {
        String expected = "S3 bucket 'no-such-bucket' does not exist at " + server.endpoint()
                + ": create it or fix the bucket in the replica URL";
        try (ReplicaClient c = open(server.replicaUrl("no-such-bucket", "db"), server.env())) {
            assertThatThrownBy(() -> c.listFiles(0, false)).isExactlyInstanceOf(IOException.class).hasMessage(expected);
            assertThatThrownBy(() -> c.openFile(0, 1, 1)).isExactlyInstanceOf(IOException.class).hasMessage(expected);
            assertThatThrownBy(() -> c.writeFile(0, 1, 1, source(), Instant.EPOCH)).hasMessage(expected);
            assertThatThrownBy(c::deleteAll).hasMessage(expected);
        }
    }

    @Test
    void aWrongSecretIsExplainedAndNeverShown() throws IOException {
        Map<String, String> env = Map.of("LITESTREAM_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
                "LITESTREAM_SECRET_ACCESS_KEY", WRONG_SECRET);
        try (ReplicaClient c = open(server.replicaUrl(bucket, "db"), env)) {
            Throwable listFailure = catchIo(() -> c.listFiles(0, false));
            Throwable writeFailure = catchIo(() -> c.writeFile(0, 1, 1, source(), Instant.EPOCH));

            assertThat(listFailure).hasMessage("Access to S3 bucket '" + bucket + "' at " + server.endpoint()
                    + " was denied (SignatureDoesNotMatch: the secret key does not match the access key ID)"
                    + " while trying to list s3://" + bucket + "/db/0000/: check LITESTREAM_ACCESS_KEY_ID and"
                    + " LITESTREAM_SECRET_ACCESS_KEY (or the AWS default credentials) and the bucket's permissions");
            assertThat(writeFailure.getMessage()).contains("SignatureDoesNotMatch", bucket, server.endpoint().toString());
            for (Throwable failure : List.of(listFailure, writeFailure)) {
                assertNoSecretIn(failure);
            }
            assertThat(c.toString() + c.describe()).doesNotContain(WRONG_SECRET);
        }
    }

    @Test
    void anUnknownAccessKeyIsExplained() throws IOException {
        Map<String, String> env = Map.of("LITESTREAM_ACCESS_KEY_ID", "no-such-key",
                "LITESTREAM_SECRET_ACCESS_KEY", WRONG_SECRET);
        try (ReplicaClient c = open(server.replicaUrl(bucket, "db"), env)) {
            Throwable failure = catchIo(() -> c.openFile(0, 1, 1));

            assertThat(failure).isNotInstanceOf(NoSuchFileException.class).hasMessageStartingWith(
                    "Access to S3 bucket '" + bucket + "' at " + server.endpoint()
                            + " was denied (InvalidAccessKeyId: the access key ID is not known there)");
            assertNoSecretIn(failure);
        }
    }

    @Test
    void anEndpointWithNothingListeningFailsFastAndSaysSo() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port;
        try (ReplicaClient c = open("s3://" + bucket + "/db?endpoint=" + endpoint, server.env())) {
            long start = System.nanoTime();
            Throwable failure = catchIo(() -> c.listFiles(0, false));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(failure).hasMessageStartingWith("Cannot reach S3 endpoint " + endpoint + " for bucket '"
                    + bucket + "' (").hasMessageEndingWith("): check the endpoint in the replica URL and that the"
                    + " server is running and reachable");
            // Five attempts with backoff of at most 0.2 + 0.4 + 0.8 + 1.6 s.
            assertThat(took).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void serverErrorsAreRetriedWithBackoffThenReported() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        HttpServer faulty = errorServer(500, "InternalError", requests);
        try (ReplicaClient c = ReplicaClients.open(ReplicaUrl.parse("s3://" + bucket + "/db?endpoint=http://127.0.0.1:"
                + faulty.getAddress().getPort()), server.env(), S3Settings.DEFAULTS.withMaxAttempts(3))) {
            Throwable failure = catchIo(() -> c.listFiles(0, false));

            assertThat(requests).hasValue(3);
            assertThat(failure).hasMessage("S3 list of s3://" + bucket + "/db/0000/ failed at http://127.0.0.1:"
                    + faulty.getAddress().getPort() + ": HTTP 500 InternalError (Injected fault)");
        } finally {
            faulty.stop(0);
        }
    }

    @Test
    void throttlingIsRetried() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        HttpServer faulty = errorServer(503, "SlowDown", requests);
        try (ReplicaClient c = ReplicaClients.open(ReplicaUrl.parse("s3://" + bucket + "/db?endpoint=http://127.0.0.1:"
                + faulty.getAddress().getPort()), server.env(), S3Settings.DEFAULTS.withMaxAttempts(2))) {
            assertThat(catchIo(() -> c.openFile(0, 1, 1))).hasMessageContaining("HTTP 503 SlowDown");
            assertThat(requests).hasValue(2);
        } finally {
            faulty.stop(0);
        }
    }

    @Test
    void halfTheCredentialsIsAConfigurationError() {
        assertThatThrownBy(() -> open(server.replicaUrl(bucket, "db"), Map.of("LITESTREAM_ACCESS_KEY_ID", "id")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LITESTREAM_ACCESS_KEY_ID is set but LITESTREAM_SECRET_ACCESS_KEY is not: set both,"
                        + " or neither to use the AWS default credentials");
        assertThatThrownBy(() -> open(server.replicaUrl(bucket, "db"),
                Map.of("LITESTREAM_SECRET_ACCESS_KEY", WRONG_SECRET)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(WRONG_SECRET);
    }

    private static HttpServer errorServer(int status, String code, AtomicInteger requests) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
                + "</Code><Message>Injected fault</Message></Error>").getBytes(StandardCharsets.UTF_8);
        http.createContext("/", exchange -> {
            requests.incrementAndGet();
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        return http;
    }

    private static ReplicaClient open(String url, Map<String, String> env) throws IOException {
        return ReplicaClients.open(ReplicaUrl.parse(url), env);
    }

    private Path source() throws IOException {
        Path file = Files.createTempFile(tmp, "source", ".ltx");
        Files.write(file, new byte[] {1, 2, 3});
        return file;
    }

    private static void assertNoSecretIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage()) + t)
                    .doesNotContain(WRONG_SECRET).doesNotContain(S3ProxyServer.SECRET_KEY);
        }
    }

    private interface IoCall {
        void run() throws IOException;
    }

    private static Throwable catchIo(IoCall call) {
        try {
            call.run();
        } catch (IOException e) {
            return e;
        }
        throw new AssertionError("expected an IOException");
    }
}
