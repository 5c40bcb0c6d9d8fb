package io.github.durablesqlite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.e2e.support.Await;
import io.github.durablesqlite.e2e.support.ChildProcess;
import io.github.durablesqlite.e2e.support.E2eFiles;
import io.github.durablesqlite.e2e.support.ExampleAppProcess;
import io.github.durablesqlite.e2e.support.ExitCodes;
import io.github.durablesqlite.e2e.support.FreePorts;
import io.github.durablesqlite.e2e.support.NotesClient;
import io.github.durablesqlite.e2e.support.NotesClient.Health;
import io.github.durablesqlite.e2e.support.NotesClient.Note;
import io.github.durablesqlite.e2e.support.S3ProxyProcess;
import io.github.durablesqlite.e2e.support.SqliteFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the app does at start-up when the replica is wrong or out of reach: refuse to start empty
 * over a replica it could not read, but keep serving a database it already has through an outage.
 */
class StartupRulesTest {

    private static final Duration HEALTH_CHANGE = Duration.ofSeconds(90);

    private static S3ProxyProcess s3;

    @BeforeAll
    static void startS3() {
        s3 = S3ProxyProcess.start(E2eFiles.newWorkDir("s3proxy-startup"));
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void aMalformedReplicaUrlStopsTheAppWithAMessageNamingIt() {
        String url = "s3:///notes";
        try (ExampleAppProcess app = ExampleAppProcess.in(E2eFiles.newWorkDir("malformed-url"), url, s3.credentials())) {
            assertThat(app.startExpectingExit()).isNotZero();
            assertThat(app.log()).contains("durable-sqlite.replica.url").contains(url);
            assertThat(app.dbFile()).doesNotExist();
        }
    }

    @Test
    void withoutALocalDatabaseAnUnreachableStoreStopsTheAppBeforeAnyFileIsCreated() {
        String deadEndpoint = "s3://unreachable/notes?endpoint=http://127.0.0.1:" + FreePorts.next()
                + "&region=us-east-1&force-path-style=true";
        try (ExampleAppProcess app = ExampleAppProcess.in(E2eFiles.newWorkDir("unreachable-store"), deadEndpoint,
                s3.credentials())) {
            assertThat(app.startExpectingExit()).isNotZero();
            assertNoDatabaseFiles(app);
            assertThat(app.log()).as("the error names the replica").contains("s3://unreachable/notes");
        }
    }

    @Test
    void withoutALocalDatabaseWrongCredentialsStopTheAppBeforeAnyFileIsCreated() {
        String bucket = s3.createBucket("wrong-credentials");
        String wrongSecret = "not-the-secret-7f3a";
        Map<String, String> env = Map.of("LITESTREAM_ACCESS_KEY_ID", S3ProxyProcess.ACCESS_KEY,
                "LITESTREAM_SECRET_ACCESS_KEY", wrongSecret);
        try (ExampleAppProcess app = ExampleAppProcess.in(E2eFiles.newWorkDir("wrong-credentials"),
                s3.replicaUrl(bucket, "notes"), env)) {
            assertThat(app.startExpectingExit()).isNotZero();
            assertNoDatabaseFiles(app);
            assertThat(app.log()).as("the error names the replica").contains("s3://" + bucket + "/notes")
                    .doesNotContain(wrongSecret);
        }
    }

    @Test
    void withALocalDatabaseTheAppServesThroughAnOutageAndCatchesUpAfterIt() throws Exception {
        Path dir = E2eFiles.newWorkDir("outage");
        String bucket = s3.createBucket("outage");
        String replicaUrl = s3.replicaUrl(bucket, "notes");
        List<Note> written = new ArrayList<>();
        try (ExampleAppProcess app = ExampleAppProcess.in(dir, replicaUrl, s3.credentials())) {
            app.start();
            NotesClient notes = new NotesClient(app.uri());
            for (int i = 1; i <= 5; i++) {
                written.add(notes.create("before the outage " + i));
            }
            app.sigterm();
            assertThat(app.awaitExit(ExampleAppProcess.STOP_TIMEOUT)).isIn(ExitCodes.CLEAN_STOP);

            s3.stop();
            try {
                app.start();
                for (int i = 1; i <= 5; i++) {
                    written.add(notes.create("during the outage " + i));
                }
                Await.until("health DOWN while the store is unreachable", HEALTH_CHANGE,
                        () -> "DOWN".equals(notes.health().componentStatus()));
                Health down = notes.health();
                assertThat(down.httpStatus()).isEqualTo(503);
                assertThat(down.detail("failedUploads")).isPositive();
                assertThat(notes.count()).isEqualTo(10);
            } finally {
                s3.start();
            }
            Await.until("health UP with every TXID in the replica once the store is back", HEALTH_CHANGE, () -> {
                Health health = notes.health();
                return "UP".equals(health.componentStatus())
                        && health.detail("remoteTxid") == health.detail("localTxid");
            });
            assertThat(notes.health().httpStatus()).isEqualTo(200);
        }

        Path restored = dir.resolve("restored-by-cli.db");
        Map<String, String> env = new HashMap<>(s3.credentials());
        ChildProcess cli = ChildProcess.start("durable-sqlite restore",
                List.of(ChildProcess.java(), "-jar", E2eFiles.cliJar().toString(), "restore", "-o", restored.toString(),
                        replicaUrl),
                env, dir, dir.resolve("cli-restore.log"));
        try (cli) {
            assertThat(cli.awaitExit(Duration.ofSeconds(60))).as("restore exit code; log:\n%s", cli.logText()).isZero();
        }
        Map<Long, String> expected = new HashMap<>();
        written.forEach(note -> expected.put(note.id(), note.text()));
        assertThat(SqliteFiles.notes(restored)).isEqualTo(expected);
        assertThat(SqliteFiles.integrityCheck(restored)).isEqualTo("ok");
    }

    private static void assertNoDatabaseFiles(ExampleAppProcess app) {
        Path db = app.dbFile();
        assertThat(db).doesNotExist();
        assertThat(db.resolveSibling(db.getFileName() + "-wal")).doesNotExist();
        assertThat(db.resolveSibling(db.getFileName() + "-shm")).doesNotExist();
    }
}
