package io.github.durablesqlite.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Litestream configuration files: what is read, and every unknown or malformed key rejected by name. */
class LitestreamConfigTest {
    private static final Map<String, String> ENV = Map.of("BUCKET", "backups", "KEY_ID", "id-from-env",
            "SECRET", "secret-from-env");

    @TempDir
    Path dir;

    private static LitestreamConfig parse(String yaml) {
        return LitestreamConfig.parse(yaml, "litestream.yml", ENV, true);
    }

    @Test
    void readsALitestreamConfig() {
        LitestreamConfig config = parse("""
                access-key-id: ${KEY_ID}
                secret-access-key: $SECRET
                levels:
                  - interval: 10s
                  - interval: 2m
                snapshot:
                  interval: 12h
                  retention: 72h
                l0-retention: 1m
                exec: python manage.py runserver
                dbs:
                  - path: /data/app.db
                    restore-if-db-not-exists: true
                    min-checkpoint-page-count: 500
                    replica:
                      url: s3://${BUCKET}/app
                      endpoint: http://127.0.0.1:9000
                      region: eu-west-1
                      force-path-style: true
                      sync-interval: 250ms
                  - path: /data/other.db
                    replicas:
                      - type: file
                        path: /backups/other
                """);
        assertThat(config.history.levelIntervals()).containsExactly(Duration.ofSeconds(10), Duration.ofMinutes(2));
        assertThat(config.history.snapshotInterval()).isEqualTo(Duration.ofHours(12));
        assertThat(config.history.retention()).isEqualTo(Duration.ofHours(72));
        assertThat(config.history.l0Retention()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.exec).isEqualTo("python manage.py runserver");
        assertThat(config.dbs).hasSize(2);
        LitestreamConfig.Db app = config.dbs.get(0);
        assertThat(app.path()).isEqualTo(Path.of("/data/app.db"));
        assertThat(app.replicaUrl()).startsWith("s3://backups/app?")
                .contains("endpoint=http%3A%2F%2F127.0.0.1%3A9000", "region=eu-west-1", "force-path-style=true");
        assertThat(app.env()).containsEntry("LITESTREAM_ACCESS_KEY_ID", "id-from-env")
                .containsEntry("LITESTREAM_SECRET_ACCESS_KEY", "secret-from-env");
        assertThat(app.syncInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(app.restoreIfDbNotExists()).isTrue();
        assertThat(app.checkpointPages()).isEqualTo(500);
        assertThat(config.dbs.get(1).replicaUrl()).isEqualTo("file:///backups/other");
    }

    @Test
    void defaultsAreLitestreamsWhenTheFileSaysNothing() {
        LitestreamConfig config = parse("dbs: [{path: a.db, replica: {url: 'file:///r'}}]");
        assertThat(config.history.levelIntervals())
                .containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1));
        assertThat(config.history.snapshotInterval()).isEqualTo(Duration.ofHours(24));
        assertThat(config.history.retention()).isEqualTo(Duration.ofHours(24));
        assertThat(config.dbs.get(0).syncInterval()).isNull();
    }

    @Test
    void unknownKeysAreRejectedByName() {
        for (String[] c : List.of(
                new String[] {"addr: ':9090'\ndbs: [{path: a.db, replica: {url: 'file:///r'}}]", "'addr'"},
                new String[] {"dbs: [{path: a.db, monitor-interval: 1s, replica: {url: 'file:///r'}}]",
                        "'dbs[0].monitor-interval'"},
                new String[] {"dbs: [{path: a.db, replica: {url: 'file:///r', retention: 1h}}]",
                        "'dbs[0].replica.retention'"},
                new String[] {"snapshot: {every: 1h}\ndbs: [{path: a.db, replica: {url: 'file:///r'}}]",
                        "'snapshot.every'"},
                new String[] {"levels: [{interval: 1m, size: 3}]\ndbs: [{path: a.db, replica: {url: 'file:///r'}}]",
                        "'levels[0].size'"})) {
            assertThatThrownBy(() -> parse(c[0])).as(c[0]).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown key " + c[1]).hasMessageContaining("litestream.yml");
        }
    }

    @Test
    void malformedValuesAreRejectedWithTheirKey() {
        for (String[] c : List.of(
                new String[] {"snapshot: {interval: soon}\ndbs: [{path: a.db, replica: {url: 'file:///r'}}]",
                        "snapshot.interval"},
                new String[] {"l0-retention: 5\ndbs: [{path: a.db, replica: {url: 'file:///r'}}]", "l0-retention"},
                new String[] {"levels: [{interval: 0s}]\ndbs: [{path: a.db, replica: {url: 'file:///r'}}]",
                        "levels[0].interval"},
                new String[] {"dbs: [{path: a.db, replica: {url: 'gopher://x'}}]", "dbs[0].replica.url"},
                new String[] {"dbs: [{path: a.db, replica: {url: 's3://b/p', force-path-style: maybe}}]",
                        "force-path-style"},
                new String[] {"dbs: [{path: a.db, replica: {bucket: b, url: 's3://b/p'}}]", "dbs[0].replica"},
                new String[] {"dbs: [{path: a.db, replicas: [{url: 'file:///r'}, {url: 'file:///s'}]}]",
                        "dbs[0].replicas"},
                new String[] {"dbs: [{replica: {url: 'file:///r'}}]", "needs 'path'"},
                new String[] {"dbs: []", "dbs"},
                new String[] {"dbs: [{path: a.db, replica: {url: 'file:///r'}}]\nlevels: {interval: 1s}", "levels"},
                new String[] {"dbs: [ {path: a.db", "not valid YAML"})) {
            assertThatThrownBy(() -> parse(c[0])).as(c[0]).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(c[1]);
        }
    }

    @Test
    void theCommandLineRejectsABadConfigInOneLine() throws Exception {
        Path file = dir.resolve("litestream.yml");
        Files.writeString(file, "dbs:\n  - path: a.db\n    replica:\n      url: file:///r\n      skip-verify: true\n");
        CliBadInputTest.Run run = CliBadInputTest.run(Map.of(), "replicate", "--config", file.toString());
        assertThat(run.exit()).isNotZero();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("unknown key 'dbs[0].replica.skip-verify'");

        CliBadInputTest.Run both = CliBadInputTest.run(Map.of(), "replicate", "--config", file.toString(), "a.db",
                "file:///r");
        assertThat(both.exit()).isNotZero();
        assertThat(both.err()).contains("either --config FILE or DB_PATH REPLICA_URL");
        CliBadInputTest.Run missing = CliBadInputTest.run(Map.of(), "replicate", "--config",
                dir.resolve("nope.yml").toString());
        assertThat(missing.err()).contains("nope.yml does not exist");
    }
}
