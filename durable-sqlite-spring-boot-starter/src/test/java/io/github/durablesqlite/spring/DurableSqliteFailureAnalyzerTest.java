package io.github.durablesqlite.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.ReplicaLeaseException;
import io.github.durablesqlite.ReplicationException;
import io.github.durablesqlite.RestoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/** Each start-up failure becomes a short description and an action that names the property to fix. */
@ExtendWith(OutputCaptureExtension.class)
class DurableSqliteFailureAnalyzerTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DurableSqliteAutoConfiguration.class))
                .withPropertyValues("durable-sqlite.path=" + dir.resolve("app.db"),
                        "durable-sqlite.replica.url=file://" + dir.resolve("replica"),
                        "durable-sqlite.close-timeout=2s");
    }

    private FailureAnalysis analyze(ApplicationContextRunner runner) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        runner.run(context -> {
            assertThat(context).hasFailed();
            analysis[0] = new DurableSqliteFailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(analysis[0]).as("failure analysis").isNotNull();
        return analysis[0];
    }

    @Test
    void malformedReplicaUrl() {
        FailureAnalysis analysis = analyze(runner().withPropertyValues("durable-sqlite.replica.url=ftp://host/app"));
        assertThat(analysis.getDescription())
                .startsWith("The durable-sqlite property 'durable-sqlite.replica.url' has an invalid value: ")
                .contains("Invalid replica URL 'ftp://host/app'", "unsupported scheme 'ftp'");
        assertThat(analysis.getAction()).startsWith("Set durable-sqlite.replica.url to a replica URL")
                .contains("s3://BUCKET/PREFIX", "file:///absolute/dir");
        assertThat(analysis.getCause()).isInstanceOf(InvalidDurableSqlitePropertyException.class);
        assertThat(dir.resolve("app.db")).doesNotExist();
    }

    @Test
    void missingPath() {
        FailureAnalysis analysis = analyze(runner().withPropertyValues("durable-sqlite.path="));
        assertThat(analysis.getDescription()).isEqualTo("The durable-sqlite property 'durable-sqlite.path' is "
                + "required: the SQLite database file, e.g. data/app.db");
        assertThat(analysis.getAction()).contains("Set durable-sqlite.path", "durable-sqlite.enabled=false");
    }

    @Test
    void missingReplicaUrl() {
        FailureAnalysis analysis = analyze(runner().withPropertyValues("durable-sqlite.replica.url="));
        assertThat(analysis.getDescription()).startsWith("The durable-sqlite property 'durable-sqlite.replica.url' is "
                + "required");
        assertThat(analysis.getAction()).startsWith("Set durable-sqlite.replica.url");
    }

    @Test
    void onlyOneOfTheCredentials() {
        FailureAnalysis analysis = analyze(runner().withPropertyValues("durable-sqlite.replica.access-key-id=AKID"));
        assertThat(analysis.getDescription()).startsWith(
                "The durable-sqlite property 'durable-sqlite.replica.secret-access-key' must be set together with "
                        + "durable-sqlite.replica.access-key-id");
        assertThat(analysis.getAction()).contains("durable-sqlite.replica.access-key-id",
                "durable-sqlite.replica.secret-access-key");
        assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("AKID");
    }

    @Test
    void aValueTheEngineRejects() {
        FailureAnalysis analysis = analyze(runner().withPropertyValues("durable-sqlite.sync-interval=0s"));
        assertThat(analysis.getDescription()).isEqualTo("The durable-sqlite property 'durable-sqlite.sync-interval' "
                + "has an invalid value: syncInterval must be positive, was PT0S");
        assertThat(analysis.getAction()).contains("durable-sqlite.sync-interval");
    }

    @Test
    void aPoolValueHikariRejects() {
        FailureAnalysis analysis = analyze(runner().withPropertyValues("durable-sqlite.pool.connection-timeout=10ms"));
        assertThat(analysis.getDescription()).contains("'durable-sqlite.pool.connection-timeout'", "250ms");
    }

    @Test
    void noLocalDatabaseAndAReplicaThatCannotBeRead() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("replica-is-a-file"), "x");
        FailureAnalysis analysis = analyze(runner().withPropertyValues("durable-sqlite.replica.url=file://" + notADirectory));
        assertThat(analysis.getCause()).isInstanceOf(RestoreException.class);
        assertThat(analysis.getDescription()).startsWith("The database could not be restored from its replica: ")
                .contains("refusing to start with an empty database");
        assertThat(analysis.getAction()).contains("durable-sqlite.replica.url", "durable-sqlite.replica.access-key-id",
                "LITESTREAM_ACCESS_KEY_ID", "durable-sqlite.restore.if-missing=false");
        assertThat(dir.resolve("app.db")).doesNotExist();
    }

    @Test
    void aLocalFileThatIsNotADatabase() throws Exception {
        Files.writeString(dir.resolve("app.db"), "this is not a SQLite database, it is a text file of some length");
        FailureAnalysis analysis = analyze(runner());
        assertThat(analysis.getCause()).isInstanceOf(ReplicationException.class);
        assertThat(analysis.getDescription()).startsWith("Replication of the database could not start: ");
        assertThat(analysis.getAction()).contains("durable-sqlite.path");
    }

    @Test
    void aSecondInstanceOnTheSameReplicaIsToldWhoHoldsIt() throws Exception {
        Path blueDb = dir.resolve("blue.db");
        try (DurableDataSource blue = DurableSqlite.configure().path(blueDb)
                .replicaUrl("file://" + dir.resolve("replica")).build()) {
            blue.getConnection().close();
            FailureAnalysis analysis = analyze(runner());
            assertThat(analysis.getCause()).isInstanceOf(ReplicaLeaseException.class);
            assertThat(analysis.getDescription()).startsWith("Another instance replicates to the same replica: ")
                    .contains("app.db - replica file://" + dir.resolve("replica") + " is in use by another instance")
                    .contains("pid " + ProcessHandle.current().pid(), "database " + blueDb);
            assertThat(analysis.getAction()).contains("Stop the other instance", "durable-sqlite.lease.ttl",
                    "durable-sqlite.replica.url", "durable-sqlite.lease.enabled=false");
            assertThat(dir.resolve("app.db")).as("the refused instance restored nothing").doesNotExist();

            // The same properties with the lease off start a second writer, as before the lease existed.
            runner().withPropertyValues("durable-sqlite.lease.enabled=false")
                    .run(context -> assertThat(context).hasNotFailed());
        }
        runner().withPropertyValues("durable-sqlite.lease.ttl=5s").run(context -> assertThat(context).hasNotFailed());
        FailureAnalysis shortTtl = analyze(runner().withPropertyValues("durable-sqlite.lease.ttl=100ms"));
        assertThat(shortTtl.getDescription()).isEqualTo("The durable-sqlite property 'durable-sqlite.lease.ttl' "
                + "has an invalid value: leaseTtl must be at least 1s, was PT0.1S");
    }

    @Test
    void otherFailuresAreLeftToOtherAnalyzers() {
        assertThat(new DurableSqliteFailureAnalyzer().analyze(new IllegalStateException("unrelated"))).isNull();
    }

    @Test
    void springBootPrintsTheAnalysisAtStartUp(CapturedOutput output) {
        SpringApplication application = new SpringApplication(DurableSqliteOnly.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setDefaultProperties(Map.of("durable-sqlite.path", dir.resolve("app.db").toString(),
                "durable-sqlite.replica.url", "s3://"));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(application::run)).isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START",
                "The durable-sqlite property 'durable-sqlite.replica.url' has an invalid value",
                "Set durable-sqlite.replica.url to a replica URL");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(DurableSqliteAutoConfiguration.class)
    static class DurableSqliteOnly {
    }
}
