package io.github.durablesqlite.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileReplicaClientTest extends ReplicaClientContract {

    @Override
    ReplicaClient newClient(String name) throws IOException {
        return ReplicaClients.open(ReplicaUrl.parse("file://" + tmp.resolve(name)), Map.of());
    }

    @Override
    void putForeign(ReplicaClient client, int level, String relativeName, byte[] data) throws IOException {
        Path file = ((FileReplicaClient) client).levelDir(level).resolve(relativeName);
        Files.createDirectories(file.getParent());
        Files.write(file, data);
    }

    @Override
    boolean exactTimestampsWithoutMetadata() {
        return true;
    }

    @Test
    void layoutIsLitestreamsFileLayout() throws IOException {
        Path dir = tmp.resolve("layout");
        try (ReplicaClient c = ReplicaClients.open(ReplicaUrl.parse("file://" + dir), Map.of())) {
            Instant timestamp = Instant.parse("2024-05-06T07:08:09.123456789Z");
            c.writeFile(0, 1, 2, source(new byte[] {1}), timestamp);
            c.writeFile(9, 0xabc, 0xdef, source(new byte[] {2}), timestamp);
            c.writeFile(1, 3, 4, source(new byte[] {3}), timestamp);

            assertThat(dir.resolve("ltx/0/0000000000000001-0000000000000002.ltx")).hasContent("\u0001");
            assertThat(dir.resolve("ltx/9/0000000000000abc-0000000000000def.ltx")).exists();
            assertThat(dir.resolve("ltx/1/0000000000000003-0000000000000004.ltx")).exists();
            assertThat(Files.getLastModifiedTime(dir.resolve("ltx/0/0000000000000001-0000000000000002.ltx"))
                    .toInstant()).isEqualTo(timestamp);
            try (var entries = Files.list(dir.resolve("ltx/0"))) {
                assertThat(entries).as("no temp files left behind").hasSize(1);
            }
            assertThat(c.describe()).isEqualTo("file://" + dir);
        }
    }

    @Test
    void relativeDirectoriesResolveAgainstTheWorkingDirectory() throws IOException {
        try (ReplicaClient c = ReplicaClients.open(ReplicaUrl.parse("file:target/replica-test"), Map.of())) {
            assertThat(c.describe()).isEqualTo("file://" + Path.of("target/replica-test").toAbsolutePath());
        }
    }

    @Test
    void aFailedWriteLeavesNothingBehind() throws IOException {
        Path dir = tmp.resolve("failed");
        try (ReplicaClient c = ReplicaClients.open(ReplicaUrl.parse("file://" + dir), Map.of())) {
            Path missing = tmp.resolve("no-such-source.ltx");

            assertThatThrownBy(() -> c.writeFile(0, 1, 1, missing, Instant.EPOCH)).isInstanceOf(IOException.class);

            try (var entries = Files.list(dir.resolve("ltx/0"))) {
                assertThat(entries).isEmpty();
            }
        }
    }

    @Test
    void deleteAllOfAReplicaThatNeverExistedIsFine() throws IOException {
        try (ReplicaClient c = ReplicaClients.open(ReplicaUrl.parse("file://" + tmp.resolve("never")), Map.of())) {
            c.deleteAll();
            assertThat(tmp.resolve("never")).doesNotExist();
        }
    }
}
