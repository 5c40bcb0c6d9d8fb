package io.github.durablesqlite.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.durablesqlite.NotReplicatedException;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.replication.ReplicationMetrics;
import io.github.durablesqlite.replication.Restorer;
import io.github.durablesqlite.spring.app.Note;
import io.github.durablesqlite.spring.app.NoteRepository;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * durable-sqlite.durability=sync and the ReplicationAwaiter through Spring's own transactions (JPA),
 * on a real S3 server: "in the replica" is checked by restoring the replica into a new file.
 */
class DurabilityPropertiesTest {

    @TempDir
    Path dir;

    private final AtomicInteger restores = new AtomicInteger();

    private List<String> notesInReplica(S3ProxyServer s3, String url) throws Exception {
        Path restored = dir.resolve("restored-" + restores.incrementAndGet() + ".db");
        try (ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(url), s3.env())) {
            new Restorer(client, ReplicationMetrics.NONE).restore(restored, null, null, null, null);
        }
        List<String> texts = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT text FROM notes ORDER BY id")) {
            while (rs.next()) {
                texts.add(rs.getString(1));
            }
        }
        return texts;
    }

    @Test
    void inSyncModeASavedEntityIsInTheReplicaWhenSaveReturns() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start()) {
            String url = s3.replicaUrl(s3.newBucket(), "app");
            Map<String, Object> properties = NotesApp.properties(dir, url);
            properties.put("durable-sqlite.durability", "sync");
            properties.put("durable-sqlite.commit-timeout", "2s");
            try (ConfigurableApplicationContext context = NotesApp.start(properties)) {
                NoteRepository notes = context.getBean(NoteRepository.class);
                notes.save(new Note("first"));
                assertThat(notesInReplica(s3, url)).containsExactly("first");
                notes.save(new Note("second"));
                assertThat(notesInReplica(s3, url)).containsExactly("first", "second");

                s3.outage();
                Throwable failure = catchThrowable(() -> notes.save(new Note("unconfirmed")));
                NotReplicatedException cause = StartupRulesTest.rootOfType(failure, NotReplicatedException.class);
                assertThat(cause.committedLocally()).isTrue();
                assertThat(cause.getMessage()).contains("did not confirm it within PT2S");
                s3.recover();
            }
        }
    }

    @Test
    void theAwaiterMakesOneAsyncTransactionWaitForTheReplica() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start()) {
            String url = s3.replicaUrl(s3.newBucket(), "app");
            Map<String, Object> properties = NotesApp.properties(dir, url);
            properties.put("durable-sqlite.sync-interval", "1h"); // only commit signals and the awaiter sync
            try (ConfigurableApplicationContext context = NotesApp.start(properties)) {
                NoteRepository notes = context.getBean(NoteRepository.class);
                ReplicationAwaiter awaiter = context.getBean(ReplicationAwaiter.class);
                TransactionTemplate transaction = new TransactionTemplate(
                        context.getBean(PlatformTransactionManager.class));
                transaction.executeWithoutResult(status -> {
                    notes.save(new Note("payment"));
                    awaiter.afterCommit();
                });
                assertThat(notesInReplica(s3, url)).containsExactly("payment");
            }
        }
    }
}
