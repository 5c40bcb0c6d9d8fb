package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.testing.DatabaseDump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore killed before its rename leaves a temporary file; the next restore of that output removes it. */
class AbandonedRestoreTest {
    @TempDir
    Path dir;

    @Test
    void theNextRestoreRemovesTheTemporaryFileOfAKilledOne() throws Exception {
        String url = "file://" + Files.createDirectories(dir.resolve("replica")).toAbsolutePath();
        try (DurableDataSource dataSource = DurableSqlite.configure().path(dir.resolve("app.db")).replicaUrl(url)
                .build();
             Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t(x)");
            statement.execute("INSERT INTO t VALUES (42)");
        }
        Path restoreDir = Files.createDirectories(dir.resolve("restore"));
        // What Files.createTempFile named the file of a restore of restored.db that was killed.
        Path abandoned = Files.write(restoreDir.resolve(".restored.db.8312907751.restoring"), new byte[8192]);
        Path otherOutput = Files.write(restoreDir.resolve(".other.db.8312907751.restoring"), new byte[10]);
        Path longerName = Files.write(restoreDir.resolve(".restored.db.x.8312907751.restoring"), new byte[10]);

        try (ReplicaClient client = ReplicaClients.open(url)) {
            new Restorer(client, ReplicationMetrics.NONE).restore(restoreDir.resolve("restored.db"), null, null, null,
                    null);
        }

        assertThat(abandoned).doesNotExist();
        assertThat(otherOutput).as("another output's file is not this restore's business").exists();
        assertThat(longerName).as("nor is that of an output whose name starts with this one's").exists();
        assertThat(DatabaseDump.integrityCheck(restoreDir.resolve("restored.db"))).isEqualTo("ok");
        assertThat(DatabaseDump.of(restoreDir.resolve("restored.db"))).contains("42");
    }
}
