package io.github.durablesqlite.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Production clients send checksums only where S3 requires them, for stores that reject the SDK's
 * default aws-chunked CRC trailers. S3Proxy must work in both modes, so tests against it say
 * nothing false about either.
 */
class S3ChecksumModeTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "checksums only when required: {0}")
    @ValueSource(booleans = {true, false})
    void everyOperationWorksInBothChecksumModes(boolean whenRequired) throws IOException {
        S3ProxyServer server = S3ProxyServer.shared();
        String bucket = server.newBucket();
        S3Settings settings = S3Settings.DEFAULTS.withPartSize(ReplicaUrlParser.MIN_PART_SIZE)
                .withChecksumsWhenRequired(whenRequired);
        byte[] small = bytes(1, 1000);
        byte[] large = bytes(2, (int) ReplicaUrlParser.MIN_PART_SIZE * 2 + 1);

        try (ReplicaClient c = ReplicaClients.open(ReplicaUrl.parse(server.replicaUrl(bucket, "db")), server.env(),
                settings)) {
            c.writeFile(0, 1, 1, file(small), Instant.parse("2024-05-06T07:08:09.1Z"));
            c.writeFile(9, 1, 1, file(large), Instant.parse("2024-05-06T07:08:09.2Z"));

            assertThat(c.listFiles(0, true)).extracting(LtxFileInfo::createdAt)
                    .containsExactly(Instant.parse("2024-05-06T07:08:09.1Z"));
            assertThat(c.listFiles(9, true)).extracting(LtxFileInfo::createdAt)
                    .containsExactly(Instant.parse("2024-05-06T07:08:09.2Z"));
            try (var in = c.openFile(0, 1, 1)) {
                assertThat(in.readAllBytes()).isEqualTo(small);
            }
            try (var in = c.openFile(9, 1, 1)) {
                assertThat(in.readAllBytes()).isEqualTo(large);
            }
            c.deleteFiles(List.of(new LtxFileInfo(0, 1, 1, 0, Instant.EPOCH)));
            assertThat(c.listFiles(0, false)).isEmpty();
            c.deleteAll();
            assertThat(c.listFiles(9, false)).isEmpty();
        }
    }

    private Path file(byte[] data) throws IOException {
        Path file = Files.createTempFile(tmp, "source", ".ltx");
        Files.write(file, data);
        return file;
    }

    private static byte[] bytes(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
