package io.github.durablesqlite.benchmarks;

import static io.github.durablesqlite.benchmarks.Stats.f;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * Scenario 1, write cost: the same insert workload against each contender, in alternating rounds
 * (the contenders' order rotates each round) so that the noise of a shared machine falls on all
 * of them alike. Each cell gets a fresh database and prefix; the figure is commits per second.
 */
final class WriteCostScenario {
    record Workload(String name, int threads, int rowsPerCommit) {}

    private static final String VALUE = "x".repeat(100);

    private final Settings settings;
    private final LocalS3 s3;
    private final Tools tools;
    private final Path work;
    private int cell;
    /** Every commit's duration in milliseconds, per workload and contender, over all rounds. */
    private final Map<String, List<Double>> latencies = new java.util.concurrent.ConcurrentHashMap<>();

    WriteCostScenario(Settings settings, LocalS3 s3, Tools tools, Path work) {
        this.settings = settings;
        this.s3 = s3;
        this.tools = tools;
        this.work = work;
    }

    void run(Report report, List<Contender> contenders, List<Contender> manyWriters) throws Exception {
        List<Workload> workloads = List.of(
                new Workload("single-row autocommit, 1 writer", 1, 1),
                new Workload("single-row autocommit, 8 writers", 8, 1),
                new Workload("100-row transactions, 1 writer", 1, 100),
                new Workload("100-row transactions, 8 writers", 8, 100));
        Map<Workload, List<Contender>> cells = new LinkedHashMap<>();
        // The smoke set keeps one single-row and one transaction workload: every code path, half the cells.
        (settings.name().equals("smoke") ? List.of(workloads.get(0), workloads.get(3)) : workloads)
                .forEach(w -> cells.put(w, contenders));
        if (manyWriters.size() > 1) {
            cells.put(new Workload("single-row autocommit, 32 writers", 32, 1), manyWriters);
        }
        Map<Workload, Map<Contender, List<Double>>> results = new LinkedHashMap<>();
        for (int round = 0; round < settings.writeRounds(); round++) {
            for (Map.Entry<Workload, List<Contender>> entry : cells.entrySet()) {
                List<Contender> order = new ArrayList<>(entry.getValue());
                java.util.Collections.rotate(order, -round);
                for (Contender contender : order) {
                    double rate = measure(entry.getKey(), contender);
                    results.computeIfAbsent(entry.getKey(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(contender, k -> new ArrayList<>()).add(rate);
                    System.err.printf("write cost round %d: %s / %s: %.0f commits/s%n", round + 1,
                            entry.getKey().name(), contender.name(), rate);
                }
            }
        }
        write(report, results);
    }

    private double measure(Workload workload, Contender contender) throws Exception {
        Path dir = Files.createDirectories(work.resolve("write-" + (++cell)));
        String prefix = "write" + cell;
        try (Contender.Running running = contender.start(dir.resolve("app.db"), s3, prefix, workload.threads() + 2, tools)) {
            List<Double> durations = latencies.computeIfAbsent(workload.name() + "/" + contender.name(),
                    k -> java.util.Collections.synchronizedList(new ArrayList<>()));
            commitsPerSecond(running.dataSource(), workload, settings.writeWarmupMillis() / 1000.0,
                    java.util.Collections.synchronizedList(new ArrayList<>()));
            return commitsPerSecond(running.dataSource(), workload, settings.writeSeconds(), durations);
        } finally {
            Main.deleteRecursively(dir);
        }
    }

    /** Runs the workload on {@code threads} connections for {@code seconds}; commits per second over all of them. */
    static double commitsPerSecond(DataSource ds, Workload workload, double seconds, List<Double> durations)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workload.threads());
        try {
            long start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            List<Future<Long>> futures = new ArrayList<>();
            for (int t = 0; t < workload.threads(); t++) {
                futures.add(pool.submit(() -> writeUntil(ds, workload.rowsPerCommit(), deadline, durations)));
            }
            long commits = 0;
            for (Future<Long> f : futures) {
                commits += f.get();
            }
            return commits / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long writeUntil(DataSource ds, int rowsPerCommit, long deadline, List<Double> durations)
            throws Exception {
        long commits = 0;
        List<Double> mine = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement insert = c.prepareStatement("INSERT INTO t(v) VALUES (?)")) {
            c.setAutoCommit(rowsPerCommit == 1);
            while (System.nanoTime() < deadline) {
                long started = System.nanoTime();
                for (int i = 0; i < rowsPerCommit; i++) {
                    insert.setString(1, VALUE);
                    insert.executeUpdate();
                }
                if (rowsPerCommit > 1) {
                    c.commit();
                }
                mine.add((System.nanoTime() - started) / 1e6);
                commits++;
            }
        }
        durations.addAll(mine);
        return commits;
    }

    private void write(Report report, Map<Workload, Map<Contender, List<Double>>> results) {
        StringBuilder md = new StringBuilder("## 1. Write cost\n\n");
        md.append(f("Commits per second, %d rounds of %d s per cell; in each round every contender runs every workload "
                + "on a fresh database, the contenders' order rotating from round to round. Each cell first runs its "
                + "workload for %.1f s unmeasured, so every contender is measured in its steady state: a fresh "
                + "database's WAL file grows with every commit until its first checkpoint and restart, and on this "
                + "machine's disk an fsync that extends a file costs about a third more than one that overwrites it "
                + "(durable-sqlite checkpoints once a sync interval, the plain pool every 1,000 pages). Median, spread (min - max) "
                + "and the ratio of medians to the plain pool measured in the same run. Every replicating contender "
                + "ships to the same local S3 server. A 100-row transaction counts as one commit; commit p50 / p99 is the "
                + "time of one commit (its rows and the commit), over all rounds. All "
                + "contenders use sqlite-jdbc's defaults (WAL, synchronous=FULL: an fsync per commit), so on this "
                + "machine's disk the plain pool is bound by fsync, not by the CPU.%n%n",
                settings.writeRounds(), settings.writeSeconds(), settings.writeWarmupMillis() / 1000.0));
        SvgChart chart = new SvgChart("Write cost: commits per second (median)", "commits/s; label: median (ratio to plain)");
        for (Map.Entry<Workload, Map<Contender, List<Double>>> w : results.entrySet()) {
            md.append("### ").append(w.getKey().name()).append("\n\n");
            md.append("| contender | commits/s per round | median | spread | ratio to plain | commit p50 / p99 |\n"
                    + "| --- | --- | --- | --- | --- | --- |\n");
            double plain = Stats.median(w.getValue().getOrDefault(Contender.PLAIN, List.of()));
            for (Map.Entry<Contender, List<Double>> c : w.getValue().entrySet()) {
                double median = Stats.median(c.getValue());
                double ratio = median / plain;
                List<Double> durations = List.copyOf(latencies.getOrDefault(w.getKey().name() + "/" + c.getKey().name(),
                        List.of()));
                md.append(f("| %s | %s | %.0f | %s | %.2f | %.1f / %.1f ms |%n", c.getKey().name(),
                        String.join(", ", c.getValue().stream().map(v -> f("%.0f", v)).toList()), median,
                        Stats.spread(c.getValue(), "%.0f"), ratio, Stats.percentile(durations, 50),
                        Stats.percentile(durations, 99)));
                report.figure("commit-p50/" + w.getKey().name() + "/" + c.getKey().name(), Stats.percentile(durations, 50));
                report.figure("commit-p99/" + w.getKey().name() + "/" + c.getKey().name(), Stats.percentile(durations, 99));
                chart.bar(w.getKey().name(), c.getKey().name(), median, f("%.0f (%.2f×)", median, ratio),
                        colorOf(c.getKey()));
                report.figure("write/" + w.getKey().name() + "/" + c.getKey().name(), median);
                report.figure("write-ratio/" + w.getKey().name() + "/" + c.getKey().name(), ratio);
            }
            md.append('\n');
        }
        report.section(md.toString());
        report.chart("write-cost", chart);
    }

    static int colorOf(Contender c) {
        return switch (c.kind()) {
            case PLAIN -> 0;
            case DURABLE -> c == Contender.ASYNC ? 1 : 5;
            case CLI_PROCESS -> 4;
            case LITESTREAM_PROCESS -> 3;
        };
    }
}
