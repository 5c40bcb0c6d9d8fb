package io.github.durablesqlite.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.github.durablesqlite.testing.FaultProxy.Fault;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The fault proxy itself, in front of S3Proxy (through the AWS SDK) and of a plain JDK HTTP server. */
class FaultProxyTest {
    private static final S3ProxyServer S3 = S3ProxyServer.shared();

    private final String bucket = S3.newBucket();
    private FaultProxy proxy;
    private S3Client direct;

    @BeforeEach
    void start() {
        proxy = FaultProxy.start(S3);
        direct = S3.newS3Client();
    }

    @AfterEach
    void stop() {
        proxy.close();
        direct.close();
    }

    /** The SDK with default chunked (aws-chunked, signed) uploads and 100-continue, through the proxy. */
    private S3Client throughProxy(int maxAttempts) {
        return S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder())
                .endpointOverride(proxy.endpoint())
                .region(Region.of(S3ProxyServer.REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3.accessKey(), S3.secretKey())))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(maxAttempts)))
                .build();
    }

    private static byte[] bytes(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        return data;
    }

    @Test
    void passesSignedRequestsThroughOnKeptAliveConnections() {
        byte[] data = bytes(300_000);
        try (S3Client s3 = throughProxy(1)) {
            for (int i = 0; i < 5; i++) {
                String key = "k" + i;
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
            }
            assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("k3")).asByteArray()).isEqualTo(data);
            assertThat(s3.headObject(b -> b.bucket(bucket).key("k4")).contentLength()).isEqualTo(data.length);
            assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).hasSize(5);
            s3.deleteObject(b -> b.bucket(bucket).key("k0"));
        }
        assertThat(direct.listObjectsV2(b -> b.bucket(bucket)).contents()).hasSize(4);
        assertThat(proxy.requests()).isEqualTo(9);
        assertThat(proxy.injected().values()).allMatch(count -> count == 0);
    }

    @Test
    void relaysChunkedBodiesBothWays() throws Exception {
        HttpServer echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        echo.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0); // length 0: a chunked response
            try (var out = exchange.getResponseBody()) {
                out.write(body);
                out.write(body);
            }
        });
        echo.start();
        try (FaultProxy chunked = FaultProxy.start(URI.create("http://127.0.0.1:" + echo.getAddress().getPort()), 1)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            byte[] data = bytes(100_000);
            for (int i = 0; i < 3; i++) {
                HttpRequest request = HttpRequest.newBuilder(chunked.endpoint().resolve("/echo"))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data)))
                        .build();
                HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                assertThat(response.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
                assertThat(response.body()).hasSize(2 * data.length)
                        .startsWith(Arrays.copyOf(data, 1000)).endsWith(Arrays.copyOfRange(data, 99_000, 100_000));
            }
            assertThat(chunked.requests()).isEqualTo(3);
        } finally {
            echo.stop(0);
        }
    }

    @Test
    void answersErrorsWithS3sXmlInsteadOfForwarding() {
        proxy.errors(503, 1.0);
        try (S3Client s3 = throughProxy(1)) {
            assertThatThrownBy(() -> s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromBytes(bytes(10))))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(503);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SlowDown");
                    });
            proxy.errors(500, 1.0);
            assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")))
                    .isInstanceOfSatisfying(S3Exception.class, e ->
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalError"));
            proxy.passThrough();
            assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")))
                    .isInstanceOf(NoSuchKeyException.class); // the failed PUT never reached the store
        }
        assertThat(proxy.injected(Fault.ERROR_503)).isEqualTo(1);
        assertThat(proxy.injected(Fault.ERROR_500)).isEqualTo(1);
    }

    @Test
    void aFractionOfErrorsIsRiddenOutByTheSdksRetries() {
        proxy.errors(500, 0.3);
        try (S3Client s3 = throughProxy(10)) {
            for (int i = 0; i < 20; i++) {
                String key = "k" + i;
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes(1000)));
            }
        }
        assertThat(direct.listObjectsV2(b -> b.bucket(bucket)).contents()).hasSize(20);
        assertThat(proxy.injected(Fault.ERROR_500)).isPositive();
        assertThat(proxy.requests()).isEqualTo(20 + proxy.injected(Fault.ERROR_500));
    }

    @Test
    void aResetMidRequestNeverReachesTheStoreAResetMidResponseDoes() {
        try (S3Client s3 = throughProxy(1)) {
            proxy.resetsMidRequest(1.0);
            assertThatThrownBy(() -> s3.putObject(b -> b.bucket(bucket).key("early"), RequestBody.fromBytes(bytes(50_000))))
                    .isInstanceOf(SdkClientException.class);
            proxy.passThrough().resetsMidResponse(1.0);
            assertThatThrownBy(() -> s3.putObject(b -> b.bucket(bucket).key("late"), RequestBody.fromBytes(bytes(50_000))))
                    .isInstanceOf(SdkClientException.class);
            proxy.passThrough();
            s3.putObject(b -> b.bucket(bucket).key("big"), RequestBody.fromBytes(bytes(200_000)));
            proxy.resetsMidResponse(1.0);
            // a GET cut in the middle of its body, not in its head
            assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("big")))
                    .isInstanceOf(SdkClientException.class);
            proxy.passThrough();
        }
        assertThat(direct.listObjectsV2(b -> b.bucket(bucket)).contents()).extracting(o -> o.key())
                .containsExactlyInAnyOrder("late", "big");
        assertThat(proxy.injected(Fault.RESET_MID_REQUEST)).isEqualTo(1);
        assertThat(proxy.injected(Fault.RESET_MID_RESPONSE)).isEqualTo(2);
    }

    @Test
    void anOutageResetsEverythingUntilItEnds() throws Exception {
        try (S3Client s3 = throughProxy(1)) {
            s3.putObject(b -> b.bucket(bucket).key("before"), RequestBody.fromBytes(bytes(10)));
            proxy.outage(Duration.ofSeconds(1));
            assertThat(proxy.inOutage()).isTrue();
            assertThatThrownBy(() -> s3.headObject(b -> b.bucket(bucket).key("before")))
                    .isInstanceOf(SdkClientException.class);
            while (proxy.inOutage()) {
                Thread.sleep(50);
            }
            assertThat(s3.headObject(b -> b.bucket(bucket).key("before")).contentLength()).isEqualTo(10);
            proxy.outage();
            assertThatThrownBy(() -> s3.listObjectsV2(b -> b.bucket(bucket))).isInstanceOf(SdkClientException.class);
            proxy.passThrough();
            assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).hasSize(1);
        }
        assertThat(proxy.injected(Fault.OUTAGE)).isGreaterThanOrEqualTo(2);
    }

    @Test
    void slowUploadsArePacedAndLatencyIsAdded() throws Exception {
        proxy.slowUploads(40_000).latency(Duration.ofMillis(200));
        byte[] data = bytes(80_000);
        long start = System.nanoTime();
        try (S3Client s3 = throughProxy(1)) {
            s3.putObject(b -> b.bucket(bucket).key("slow"), RequestBody.fromBytes(data));
            s3.headObject(b -> b.bucket(bucket).key("slow"));
        }
        // A lower bound by construction (80 kB at 40 kB/s, plus two delays): it cannot pass early.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(2_300));
        try (InputStream in = direct.getObject(b -> b.bucket(bucket).key("slow"))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(proxy.injected(Fault.SLOW_UPLOAD)).isEqualTo(1);
        assertThat(proxy.injected(Fault.LATENCY)).isEqualTo(2);
    }
}
