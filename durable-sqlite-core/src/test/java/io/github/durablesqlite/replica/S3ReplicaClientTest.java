package io.github.durablesqlite.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.github.durablesqlite.testing.S3ProxyServer;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The contract against a real S3 server (S3Proxy, in this JVM), plus the exact object layout. */
class S3ReplicaClientTest extends ReplicaClientContract {

    static S3ProxyServer server;
    static String bucket;
    static S3Client raw;

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.shared();
        bucket = server.newBucket();
        raw = server.newS3Client();
    }

    @AfterAll
    static void closeRawClient() {
        raw.close();
    }

    @Override
    ReplicaClient newClient(String name) throws IOException {
        return openUrl(server.replicaUrl(bucket, "db/" + name));
    }

    static ReplicaClient openUrl(String url) throws IOException {
        return ReplicaClients.open(ReplicaUrl.parse(url + "&part-size=" + SMALL_PART_SIZE), server.env());
    }

    @Override
    void putForeign(ReplicaClient client, int level, String relativeName, byte[] data) {
        String key = ((S3ReplicaClient) client).levelPrefix(level) + relativeName;
        raw.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
    }

    @Override
    boolean exactTimestampsWithoutMetadata() {
        return false;
    }

    /** The one listing of the whole prefix keeps exactly what the listings per level would. */
    @Test
    void listingEveryLevelAtOnceSkipsWhatIsNotALevelFile() throws IOException {
        client.writeFile(0, 3, 3, source(new byte[] {1}), Instant.EPOCH);
        client.writeFile(0, 1, 2, source(new byte[] {1}), Instant.EPOCH);
        client.writeFile(9, 1, 1, source(new byte[] {1}), Instant.EPOCH);
        String root = ((S3ReplicaClient) client).levelPrefix(0).replaceAll("0000/$", "");
        for (String foreign : List.of("lease.json", "000", "000a/0000000000000001-0000000000000001.ltx",
                "zz00/0000000000000001-0000000000000001.ltx", "00000/0000000000000001-0000000000000001.ltx",
                "0001/deeper/0000000000000001-0000000000000001.ltx", "generations/0000/x.ltx")) {
            raw.putObject(b -> b.bucket(bucket).key(root + foreign), RequestBody.fromBytes(new byte[] {1}));
        }

        List<LtxFileInfo> all = client.listAllFiles(9, false);

        assertThat(all).extracting(LtxFileInfo::level, LtxFileInfo::minTxid, LtxFileInfo::maxTxid)
                .containsExactly(tuple(0, 1L, 2L), tuple(0, 3L, 3L), tuple(9, 1L, 1L));
        List<LtxFileInfo> perLevel = new ArrayList<>();
        for (int level = 0; level <= 9; level++) {
            perLevel.addAll(client.listFiles(level, false));
        }
        assertThat(all).isEqualTo(perLevel);
        assertThat(client.listAllFiles(8, false)).extracting(LtxFileInfo::level).containsExactly(0, 0);
    }

    @Test
    void keysAndMetadataAreLitestreams() throws IOException {
        String prefix = "layout/app";
        try (ReplicaClient c = openUrl(server.replicaUrl(bucket, prefix))) {
            c.writeFile(0, 1, 2, source(new byte[] {1}), Instant.parse("2024-05-06T07:08:09.120Z"));
            c.writeFile(9, 0xabc, 0xdef, source(new byte[] {2}), Instant.parse("2024-05-06T07:08:09Z"));
            c.writeFile(1, 3, 4, source(new byte[] {3}), Instant.parse("2024-05-06T07:08:09.123456789Z"));
        }

        assertThat(keys(prefix + "/")).containsExactly(
                "layout/app/0000/0000000000000001-0000000000000002.ltx",
                "layout/app/0001/0000000000000003-0000000000000004.ltx",
                "layout/app/0009/0000000000000abc-0000000000000def.ltx");
        assertThat(timestampHeader("layout/app/0000/0000000000000001-0000000000000002.ltx"))
                .isEqualTo("2024-05-06T07:08:09.12Z");
        assertThat(timestampHeader("layout/app/0009/0000000000000abc-0000000000000def.ltx"))
                .isEqualTo("2024-05-06T07:08:09Z");
        assertThat(timestampHeader("layout/app/0001/0000000000000003-0000000000000004.ltx"))
                .isEqualTo("2024-05-06T07:08:09.123456789Z");
    }

    @Test
    void anEmptyPrefixPutsLevelsAtTheBucketRoot() throws IOException {
        String rootBucket = server.newBucket();
        try (ReplicaClient c = openUrl(server.replicaUrl(rootBucket, ""))) {
            c.writeFile(0, 1, 1, source(new byte[] {1}), Instant.EPOCH);
            assertThat(c.describe()).isEqualTo("s3://" + rootBucket);

            assertThat(raw.listObjectsV2(b -> b.bucket(rootBucket)).contents()).extracting(S3Object::key)
                    .containsExactly("0000/0000000000000001-0000000000000001.ltx");
            c.deleteAll();
            assertThat(raw.listObjectsV2(b -> b.bucket(rootBucket)).contents()).isEmpty();
        }
    }

    @Test
    void largeFilesAreUploadedInParts() throws IOException {
        String prefix = "multipart";
        try (ReplicaClient c = openUrl(server.replicaUrl(bucket, prefix))) {
            byte[] data = randomBytes(9, (int) SMALL_PART_SIZE + 1);
            c.writeFile(0, 1, 1, source(data), Instant.parse("2024-05-06T07:08:09.5Z"));

            HeadObjectResponse head = raw.headObject(b -> b.bucket(bucket)
                    .key("multipart/0000/0000000000000001-0000000000000001.ltx"));
            // A multipart object's ETag ends in "-<number of parts>".
            assertThat(head.eTag()).endsWith("-2\"");
            assertThat(head.metadata()).containsEntry("litestream-timestamp", "2024-05-06T07:08:09.5Z");
            assertThat(read(c.openFile(0, 1, 1))).isEqualTo(data);
        }
        assertThat(raw.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void aFileOfExactlyOnePartIsOneUpload() throws IOException {
        try (ReplicaClient c = openUrl(server.replicaUrl(bucket, "single"))) {
            c.writeFile(0, 1, 1, source(new byte[(int) SMALL_PART_SIZE]), Instant.EPOCH);

            HeadObjectResponse head = raw.headObject(b -> b.bucket(bucket)
                    .key("single/0000/0000000000000001-0000000000000001.ltx"));
            assertThat(head.eTag()).doesNotContain("-");
        }
    }

    @Test
    void objectsWithoutTimestampMetadataFallBackToLastModified() throws IOException {
        Instant before = Instant.now().minusSeconds(120);
        putForeign(client, 0, "0000000000000001-0000000000000001.ltx", new byte[] {1});

        assertThat(client.listFiles(0, true)).singleElement().satisfies(f -> {
            assertThat(f.createdAt()).isAfter(before);
            assertThat(f.size()).isEqualTo(1);
        });
    }

    private List<String> keys(String prefix) {
        return raw.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }

    private String timestampHeader(String key) {
        return raw.headObject(b -> b.bucket(bucket).key(key)).metadata().get("litestream-timestamp");
    }
}
