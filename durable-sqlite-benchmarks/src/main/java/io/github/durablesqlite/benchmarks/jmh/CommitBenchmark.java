package io.github.durablesqlite.benchmarks.jmh;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One single-row autocommit INSERT on one connection: a plain sqlite-jdbc connection against a
 * connection of a {@link DurableDataSource} replicating asynchronously (the default) to a
 * {@code file://} replica. The difference is what the application's thread pays for replication:
 * the commit listener's signal, the pool's connection proxy, and sharing the machine with the
 * replicator's thread, which reads, encodes and ships the commits meanwhile.
 *
 * <p>Database and replica live on tmpfs ({@code /dev/shm}) when the machine has it, so an fsync
 * costs nothing and the score is CPU, not the disk; elsewhere on the temp directory, fsyncs included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CommitBenchmark {
    @Param({"plain", "durable"})
    public String target;

    private Path dir;
    private DurableDataSource durable;
    private Connection connection;
    private PreparedStatement insert;
    private long row;

    /** Whether the files go to tmpfs: the benchmark is about CPU, and fsync on tmpfs returns at once. */
    public static boolean onTmpfs() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm);
    }

    private static Path scratchDirectory() throws IOException {
        return onTmpfs() ? Files.createTempDirectory(Path.of("/dev/shm"), "jmh-commit")
                : Files.createTempDirectory("jmh-commit");
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException, SQLException {
        dir = scratchDirectory();
        Path db = dir.resolve("commit.db");
        switch (target) {
            case "plain" -> {
                connection = DriverManager.getConnection("jdbc:sqlite:" + db);
                try (Statement s = connection.createStatement()) {
                    s.execute("PRAGMA journal_mode=WAL");
                }
            }
            case "durable" -> {
                durable = DurableSqlite.configure().path(db).replicaUrl(dir.resolve("replica").toUri().toString())
                        .name("jmh").build();
                connection = durable.getConnection();
            }
            default -> throw new IllegalArgumentException("target is plain or durable, not " + target);
        }
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        }
        if (durable != null) {
            durable.replicateNow(Duration.ofSeconds(60)); // measure from steady state, as the scenarios do
        }
        insert = connection.prepareStatement("INSERT INTO t(v) VALUES (?)");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        insert.close();
        connection.close();
        if (durable != null) {
            durable.close();
        }
        SamplePages.deleteRecursively(dir);
    }

    @Benchmark
    public int insert() throws SQLException {
        insert.setString(1, "row " + row++ + " of the per-commit benchmark, about a hundred bytes like a short note");
        return insert.executeUpdate();
    }
}
