package io.github.durablesqlite.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;

/**
 * One way of running an application's database: a plain pool, durable-sqlite in-process, or a
 * plain pool with a replicating process beside it. Every contender writes to its own prefix of
 * the same local S3 server. A new column in the write-cost table is one more constant here.
 */
record Contender(String name, Kind kind, UnaryOperator<DurableSqlite.Builder> settings) {
    enum Kind { PLAIN, DURABLE, CLI_PROCESS, LITESTREAM_PROCESS }

    static final Contender PLAIN = new Contender("sqlite-jdbc + HikariCP (no replication)", Kind.PLAIN, b -> b);
    static final Contender ASYNC = new Contender("durable-sqlite async", Kind.DURABLE, b -> b);
    static final Contender SYNC = new Contender("durable-sqlite sync", Kind.DURABLE, b -> b.durability(Durability.SYNC));
    static final Contender CLI = new Contender("durable-sqlite replicate (process)", Kind.CLI_PROCESS, b -> b);
    static final Contender LITESTREAM = new Contender("Litestream 0.3.13 sidecar", Kind.LITESTREAM_PROCESS, b -> b);

    /** The schema every workload writes to. */
    static final String TABLE = "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)";

    /** A running contender: its data source for the application's writes, and whatever replicates beside it. */
    static final class Running implements AutoCloseable {
        private final DataSource dataSource;
        private final Child sidecar;
        private Duration stopTime;

        Running(DataSource dataSource, Child sidecar) {
            this.dataSource = dataSource;
            this.sidecar = sidecar;
        }

        DataSource dataSource() {
            return dataSource;
        }

        DurableDataSource durable() {
            return dataSource instanceof DurableDataSource d ? d : null;
        }

        Child sidecar() {
            return sidecar;
        }

        /** How long the sidecar took to exit after SIGTERM (null: killed after 10 s, or no sidecar). */
        Duration stopTime() {
            return stopTime;
        }

        @Override
        public void close() throws Exception {
            try {
                if (sidecar != null) {
                    stopTime = sidecar.stop(Duration.ofSeconds(10));
                }
            } finally {
                ((AutoCloseable) dataSource).close();
            }
        }
    }

    /**
     * Opens the database (creating the table), starts replication and returns once the replica holds
     * a first copy of it, so the measurement starts from steady state.
     */
    Running start(Path db, LocalS3 s3, String prefix, int poolSize, Tools tools) throws Exception {
        s3.store().reset(prefix);
        switch (kind) {
            case PLAIN -> {
                HikariDataSource pool = plainPool(db, poolSize);
                createTable(pool);
                return new Running(pool, null);
            }
            case DURABLE -> {
                DurableDataSource ds = settings.apply(DurableSqlite.configure().path(db).replicaUrl(s3.replicaUrl(prefix))
                        .environment(s3.env()).name(prefix).maximumPoolSize(poolSize)).build();
                createTable(ds);
                ds.replicateNow(Duration.ofSeconds(60));
                return new Running(ds, null);
            }
            default -> {
                HikariDataSource pool = plainPool(db, poolSize);
                createTable(pool);
                Child sidecar = kind == Kind.CLI_PROCESS ? startCli(db, s3, prefix, tools) : startLitestream(db, s3, prefix, tools);
                Running running = new Running(pool, sidecar);
                try {
                    awaitFirstPut(s3, prefix, sidecar, Duration.ofSeconds(60));
                } catch (Exception e) {
                    running.close();
                    throw e;
                }
                return running;
            }
        }
    }

    static HikariDataSource plainPool(Path db, int poolSize) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setBusyTimeout(10_000);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:sqlite:" + db);
        config.setDataSourceProperties(sqlite.toProperties());
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("plain-" + db.getFileName());
        return new HikariDataSource(config);
    }

    private static void createTable(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(TABLE);
        }
    }

    static Child startCli(Path db, LocalS3 s3, String prefix, Tools tools, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of("java", "-jar", tools.cliJar().toString(), "replicate"));
        command.addAll(List.of(extra));
        command.addAll(List.of(db.toString(), s3.replicaUrl(prefix)));
        return Child.start(command, s3.env(), db.resolveSibling(prefix + "-cli"));
    }

    static Child startLitestream(Path db, LocalS3 s3, String prefix, Tools tools) throws IOException {
        Path dir = Files.createDirectories(db.resolveSibling(prefix + "-litestream"));
        Path config = writeLitestreamConfig(dir, db, s3, prefix);
        return Child.start(List.of(tools.litestream().toString(), "replicate", "-config", config.toString()), s3.env(), dir);
    }

    /** Litestream 0.3.13's own configuration for one database replicated to the local S3 (default 1 s sync). */
    static Path writeLitestreamConfig(Path dir, Path db, LocalS3 s3, String prefix) throws IOException {
        String yaml = String.join("\n",
                "dbs:",
                "  - path: " + db.toAbsolutePath(),
                "    replicas:",
                "      - type: s3",
                "        bucket: " + LocalS3.BUCKET,
                "        path: " + prefix,
                "        endpoint: " + s3.endpoint(),
                "        region: " + LocalS3.REGION,
                "        force-path-style: true",
                "        sync-interval: 1s",
                "");
        return Files.writeString(dir.resolve("litestream.yml"), yaml);
    }

    static void awaitFirstPut(LocalS3 s3, String prefix, Child child, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (s3.store().puts(prefix).isEmpty()) {
            if (!child.isAlive()) {
                throw new IOException(child.describe("exited before replicating anything"));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(child.describe("uploaded nothing within " + timeout.toSeconds() + " s"));
            }
            Thread.sleep(20);
        }
    }
}
