package io.github.durablesqlite.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;

/**
 * The quick scenario benchmark: write cost of replication (single-row autocommit inserts, plain
 * pool versus durable data source, alternating rounds in one run) and the delay from a commit to
 * its object in a local S3 server. Prints a Markdown report.
 *
 * <p>Usage: {@code QuickBenchmark [--seconds N] [--rounds N] [--lag-samples N] [--out FILE]}
 */
public final class QuickBenchmark {
    private final int seconds;
    private final int rounds;
    private final int lagSamples;

    QuickBenchmark(int seconds, int rounds, int lagSamples) {
        this.seconds = seconds;
        this.rounds = rounds;
        this.lagSamples = lagSamples;
    }

    public static void main(String[] args) throws Exception {
        int seconds = 5;
        int rounds = 3;
        int lagSamples = 100;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--lag-samples" -> lagSamples = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: [--seconds N] [--rounds N] [--lag-samples N] [--out FILE]");
            }
        }
        String report = new QuickBenchmark(seconds, rounds, lagSamples).run();
        System.out.print(report);
        if (out != null) {
            Files.writeString(out, report);
        }
    }

    String run() throws Exception {
        Path work = Files.createTempDirectory("durable-sqlite-bench");
        try (LocalS3 s3 = LocalS3.start()) {
            List<Double> plain = new ArrayList<>();
            List<Double> durable = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                Path dir = Files.createDirectories(work.resolve("round-" + round));
                plain.add(insertsPerSecond(plainPool(dir.resolve("plain.db"))));
                durable.add(insertsPerSecond(durable(dir.resolve("durable.db"), s3.replicaUrl("round-" + round), s3)));
            }
            List<Double> lags = lag(work.resolve("lag.db"), s3);
            return report(plain, durable, lags);
        } finally {
            deleteRecursively(work);
        }
    }

    private static HikariDataSource plainPool(Path db) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setBusyTimeout(5000);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:sqlite:" + db);
        config.setDataSourceProperties(sqlite.toProperties());
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    private static DurableDataSource durable(Path db, String url, LocalS3 s3) {
        return DurableSqlite.configure().path(db).replicaUrl(url).environment(s3.env()).maximumPoolSize(4).build();
    }

    /** Single-row autocommit inserts on one thread for the configured time; closes the data source. */
    private double insertsPerSecond(DataSource dataSource) throws SQLException {
        try (AutoCloseable closing = (AutoCloseable) dataSource; Connection c = dataSource.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
            }
            String value = "x".repeat(100);
            long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            long count = 0;
            long started = System.nanoTime();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO t(v) VALUES (?)")) {
                while (System.nanoTime() < deadline) {
                    insert.setString(1, value);
                    insert.executeUpdate();
                    count++;
                }
            }
            return count / ((System.nanoTime() - started) / 1e9);
        } catch (SQLException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sparse commits (one every 100 ms): the time from a commit returning to the replica holding it,
     * seen as the uploaded TXID passing the one before the commit. One writer, so the next TXID
     * holds the commit.
     */
    private List<Double> lag(Path db, LocalS3 s3) throws Exception {
        List<Double> millis = new ArrayList<>();
        try (DurableDataSource ds = durable(db, s3.replicaUrl("lag"), s3); Connection c = ds.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
            }
            ds.replicateNow(Duration.ofSeconds(30));
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO t(v) VALUES ('sparse')")) {
                for (int i = 0; i < lagSamples; i++) {
                    long before = ds.status().remoteTxid();
                    insert.executeUpdate();
                    long committed = System.nanoTime();
                    while (ds.status().remoteTxid() <= before) {
                        Thread.onSpinWait();
                        if (System.nanoTime() - committed > Duration.ofSeconds(30).toNanos()) {
                            throw new IllegalStateException("commit not replicated within 30 s: " + ds.status());
                        }
                    }
                    millis.add((System.nanoTime() - committed) / 1e6);
                    Thread.sleep(100);
                }
            }
        }
        return millis;
    }

    private String report(List<Double> plain, List<Double> durable, List<Double> lags) {
        double plainMedian = percentile(plain, 50);
        double durableMedian = percentile(durable, 50);
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Run %s on %d cores, Java %s, %s.%n%n", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch")));
        md.append("### Single-row autocommit inserts, one thread\n\n");
        md.append(String.format(Locale.ROOT, "%d rounds of %d s each, plain and durable alternating in the same run.%n%n",
                rounds, seconds));
        md.append("| data source | inserts/s per round | median | ratio to plain |\n| --- | --- | --- | --- |\n");
        md.append(String.format(Locale.ROOT, "| HikariCP + sqlite-jdbc (WAL) | %s | %.0f | 1.00 |%n", join(plain), plainMedian));
        md.append(String.format(Locale.ROOT, "| DurableDataSource → local S3 | %s | %.0f | %.2f |%n%n", join(durable),
                durableMedian, durableMedian / plainMedian));
        md.append("### Commit to object in S3 (in-process, single commits 100 ms apart)\n\n");
        md.append(String.format(Locale.ROOT, "| samples | p50 | p90 | p99 | max |%n| --- | --- | --- | --- | --- |%n"
                        + "| %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n", lags.size(), percentile(lags, 50),
                percentile(lags, 90), percentile(lags, 99), percentile(lags, 100)));
        return md.toString();
    }

    private static String join(List<Double> values) {
        return String.join(", ", values.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
    }

    static double percentile(List<Double> values, double p) {
        List<Double> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static void deleteRecursively(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
