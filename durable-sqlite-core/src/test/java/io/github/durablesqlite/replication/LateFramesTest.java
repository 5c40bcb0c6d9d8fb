package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sqlite-jdbc's commit hook fires before SQLite writes the commit's frames to the WAL; on a busy
 * disk they can land much later. The sync the signal started must still ship them, not leave them
 * to the next timed sync a whole interval later (seen as a 1 s sparse-commit lag in a benchmark).
 */
class LateFramesTest {
    @TempDir
    Path dir;

    @Test
    void framesWrittenWellAfterTheSignalAreShippedBeforeTheTimedSync() throws Exception {
        Path db = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE t(v TEXT)");
        }
        String url = dir.resolve("replica").toUri().toString();
        try (ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(url), Map.of());
             Replicator replicator = new Replicator(db, client, ReplicationOptions.defaults("late")
                     .withSyncInterval(Duration.ofSeconds(60)).withCloseTimeout(Duration.ofSeconds(5)));
             Connection writer = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = writer.createStatement()) {
            replicator.start();
            long before = replicator.syncNow();
            assertThat(replicator.awaitUploaded(before, Duration.ofSeconds(10))).isTrue();

            replicator.signal(); // the hook fired ...
            Thread.sleep(200); // ... and the frames come 200 ms later
            s.execute("INSERT INTO t VALUES ('late')");

            // The timed sync is a minute away: only the signalled sync's later looks can ship it.
            assertThat(replicator.awaitUploaded(before + 1, Duration.ofSeconds(5)))
                    .as("the late commit is in the replica well before the next timed sync").isTrue();
        }
    }
}
