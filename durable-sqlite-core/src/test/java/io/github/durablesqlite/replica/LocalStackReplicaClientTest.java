package io.github.durablesqlite.replica;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The contract against LocalStack's S3 in Docker: a second, independent S3 implementation.
 * Skipped, not failed, where no Docker engine runs (as on the project's own machines).
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackReplicaClientTest extends ReplicaClientContract {

    /** Pinned: later LocalStack images need an account token. */
    @Container
    static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.9")).withServices("s3");

    static final String BUCKET = "replica-contract";
    static S3Client raw;

    @BeforeAll
    static void createBucket() {
        raw = S3Client.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .build();
        raw.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    static void closeRawClient() {
        if (raw != null) {
            raw.close();
        }
    }

    @Override
    ReplicaClient newClient(String name) throws IOException {
        String url = "s3://" + BUCKET + "/db/" + name + "?endpoint=" + LOCALSTACK.getEndpoint()
                + "&region=" + LOCALSTACK.getRegion() + "&force-path-style=true&part-size=" + SMALL_PART_SIZE;
        return ReplicaClients.open(ReplicaUrl.parse(url), Map.of(
                "LITESTREAM_ACCESS_KEY_ID", LOCALSTACK.getAccessKey(),
                "LITESTREAM_SECRET_ACCESS_KEY", LOCALSTACK.getSecretKey()));
    }

    @Override
    void putForeign(ReplicaClient client, int level, String relativeName, byte[] data) {
        String key = ((S3ReplicaClient) client).levelPrefix(level) + relativeName;
        raw.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(data));
    }

    @Override
    boolean exactTimestampsWithoutMetadata() {
        return false;
    }
}
