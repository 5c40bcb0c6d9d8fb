package io.github.durablesqlite.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.replication.ReplicationMetrics;
import io.github.durablesqlite.replication.Restorer;
import io.github.durablesqlite.spring.app.Note;
import io.github.durablesqlite.spring.app.NoteRepository;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Nothing committed before shutdown is lost: the DataSource closes after everything that uses it
 * has stopped, and its close ships the last changes. Checked by restoring the replica elsewhere.
 */
class GracefulShutdownTest {

    private static final int NOTES = 50;

    @TempDir
    Path dir;

    @Test
    void rowsWrittenUpToTheCloseAndWhileDrainingAreInTheReplica() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        String url = s3.replicaUrl(s3.newBucket(), "app");
        ConfigurableApplicationContext context = NotesApp.start(NotesApp.properties(dir, url), DrainingRequests.class);
        NoteRepository notes = context.getBean(NoteRepository.class);
        for (int i = 0; i < NOTES; i++) {
            notes.save(new Note("note " + i));
        }
        context.close();

        assertThat(restoredNotes(url)).hasSize(NOTES + 1).contains("note 0", "note " + (NOTES - 1),
                DrainingRequests.TEXT);
    }

    @Test
    void sigtermShipsWhatWasCommittedBeforeTheJvmExits() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        String url = s3.replicaUrl(s3.newBucket(), "app");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SigtermChild.class.getName()));
        NotesApp.properties(dir, url).forEach((key, value) -> command.add("--" + key + "=" + value));
        command.add("--notes=" + NOTES);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            CompletableFuture<Void> ready = new CompletableFuture<>();
            StringBuilder output = new StringBuilder();
            Thread reader = new Thread(() -> readUntilExit(child, ready, output), "sigterm-child-output");
            reader.setDaemon(true);
            reader.start();
            ready.get(60, TimeUnit.SECONDS);

            child.destroy(); // SIGTERM: Spring Boot's shutdown hook closes the context
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited after SIGTERM").isTrue();
            reader.join(5_000);
            assertThat(child.exitValue()).as(output.toString()).isEqualTo(143);
        } finally {
            child.destroyForcibly();
        }
        assertThat(restoredNotes(url)).hasSize(NOTES + 1).contains("note 0", "note " + (NOTES - 1),
                DrainingRequests.TEXT);
    }

    private static void readUntilExit(Process child, CompletableFuture<Void> ready, StringBuilder output) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (output) {
                    output.append(line).append('\n');
                }
                if (line.equals(SigtermChild.READY)) {
                    ready.complete(null);
                }
            }
            ready.completeExceptionally(new AssertionError("child exited before it was ready:\n" + output));
        } catch (Exception e) {
            ready.completeExceptionally(e);
        }
    }

    /** The notes in a database restored from the replica into a new file. */
    private List<String> restoredNotes(String url) throws Exception {
        Path restored = dir.resolve("restored.db");
        Files.deleteIfExists(restored);
        try (ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(url), S3ProxyServer.shared().env())) {
            new Restorer(client, ReplicationMetrics.NONE).restore(restored, null, null, null, null);
        }
        List<String> texts = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT text FROM notes ORDER BY id")) {
            while (rs.next()) {
                texts.add(rs.getString(1));
            }
        }
        return texts;
    }

    /**
     * Stands in for the web server's graceful shutdown: a request still being served when shutdown
     * begins commits during the lifecycle stop phase, before any bean is destroyed.
     */
    static class DrainingRequests implements SmartLifecycle {
        static final String TEXT = "written while the web server drained";
        private final NoteRepository notes;
        private volatile boolean running;

        DrainingRequests(NoteRepository notes) {
            this.notes = notes;
        }

        @Override
        public void start() {
            running = true;
        }

        @Override
        public void stop() {
            notes.save(new Note(TEXT));
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            // Where Spring Boot's web server drains in-flight requests on graceful shutdown.
            return SmartLifecycle.DEFAULT_PHASE - 1024;
        }
    }
}
