package io.github.durablesqlite.testing;

import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A minimal in-process S3 server for {@link LitestreamOracleTest}: S3Proxy over an in-memory
 * blob store on a free loopback port, AWS v4 authentication. Stands in until the shared
 * {@code S3ProxyServer} fixture exists.
 */
final class OracleS3Proxy implements AutoCloseable {

    static final String ACCESS_KEY = "oracle-access-key";
    static final String SECRET_KEY = "oracle-secret-key";

    private final S3Proxy proxy;
    private final URI endpoint;

    private OracleS3Proxy(S3Proxy proxy, URI endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    static OracleS3Proxy start() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.identity", ACCESS_KEY);
        properties.setProperty("jclouds.credential", SECRET_KEY);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("transient-nio2", properties))
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new OracleS3Proxy(proxy, URI.create("http://127.0.0.1:" + proxy.getPort()));
    }

    URI endpoint() {
        return endpoint;
    }

    /** A Litestream replica URL for {@code prefix} in {@code bucket} on this server. */
    String replicaUrl(String bucket, String prefix) {
        return "s3://" + bucket + "/" + prefix
                + "?endpoint=" + endpoint + "&region=us-east-1&force-path-style=true";
    }

    /** A client for this server; the caller closes it. */
    S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .forcePathStyle(true)
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
