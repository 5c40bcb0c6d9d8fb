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
 * Scenario 1, write cost: the same insert workload against each contender. A shared machine's disk
 * drifts by a factor of two within a minute, more than the differences measured, so the contenders
 * are not measured one after another: every contender of a workload runs on its own fresh database
 * at the same time, each is warmed up, and then they take turns in short slices, round after round
 * (the order rotating each round). A contender's ratio to the plain pool is the median of its ratios
 * to the plain pool's slice in the same round, so each ratio compares slices seconds apart.
 */
final class WriteCostScenario {
    record Workload(String name, int threads, int rowsPerCommit) {}

    private static final String VALUE = "x".repeat(100);
    /**
     * Each slice writes this long before it is measured. A replicator that was idle ships the first
     * commit at once and then once a sync interval (1 s), so a slice of whole intervals measured
     * after the lead-in holds as much replication work as it commits (its last sync falls after it,
     * its first one before); the lead-in also absorbs the previous contender's last sync.
     */
    private static final double SLICE_LEAD_IN_SECONDS = 1.0;

    private final Settings settings;
    private final LocalS3 s3;
    private final Tools tools;
    private final Path work;
    private int cell;
    /** Every commit's duration in milliseconds, per workload and contender, over all measured slices. */
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
        for (Map.Entry<Workload, List<Contender>> entry : cells.entrySet()) {
            results.put(entry.getKey(), measure(entry.getKey(), entry.getValue()));
        }
        write(report, results);
    }

    /** Every contender's commits per second in each round's slice, in round order. */
    private Map<Contender, List<Double>> measure(Workload workload, List<Contender> contenders) throws Exception {
        Map<Contender, Contender.Running> running = new LinkedHashMap<>();
        List<Path> dirs = new ArrayList<>();
        try {
            for (Contender contender : contenders) {
                Path dir = Files.createDirectories(work.resolve("write-" + (++cell)));
                dirs.add(dir);
                running.put(contender, contender.start(dir.resolve("app.db"), s3, "write" + cell,
                        workload.threads() + 2, tools));
                // Unmeasured: the WAL is written, checkpointed and restarted a few times, and reaches the
                // size it keeps under this load.
                commitsPerSecond(running.get(contender).dataSource(), workload, 0, settings.writeWarmupMillis() / 1000.0,
                        java.util.Collections.synchronizedList(new ArrayList<>()));
            }
            Map<Contender, List<Double>> rates = new LinkedHashMap<>();
            contenders.forEach(c -> rates.put(c, new ArrayList<>()));
            List<Contender> order = new ArrayList<>(contenders);
            for (int round = 0; round < settings.writeRounds(); round++) {
                for (Contender contender : order) {
                    List<Double> durations = latencies.computeIfAbsent(workload.name() + "/" + contender.name(),
                            k -> java.util.Collections.synchronizedList(new ArrayList<>()));
                    double rate = commitsPerSecond(running.get(contender).dataSource(), workload,
                            SLICE_LEAD_IN_SECONDS, settings.writeSeconds(), durations);
                    rates.get(contender).add(rate);
                    System.err.printf("write cost round %d: %s / %s: %.0f commits/s%n", round + 1, workload.name(),
                            contender.name(), rate);
                }
                java.util.Collections.rotate(order, -1);
            }
            return rates;
        } finally {
            Exception failure = null;
            for (Contender.Running r : running.values()) {
                try {
                    r.close();
                } catch (Exception e) {
                    failure = e;
                }
            }
            for (Path dir : dirs) {
                Main.deleteRecursively(dir);
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * Runs the workload on {@code threads} connections for {@code leadIn + seconds}; commits per
     * second over all of them in the last {@code seconds} (commits started after the lead-in).
     */
    static double commitsPerSecond(DataSource ds, Workload workload, double leadIn, double seconds, List<Double> durations)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workload.threads());
        try {
            long from = System.nanoTime() + (long) (leadIn * 1e9);
            long deadline = from + (long) (seconds * 1e9);
            List<Future<Long>> futures = new ArrayList<>();
            for (int t = 0; t < workload.threads(); t++) {
                futures.add(pool.submit(() -> writeUntil(ds, workload.rowsPerCommit(), from, deadline, durations)));
            }
            long commits = 0;
            for (Future<Long> f : futures) {
                commits += f.get();
            }
            return commits / ((System.nanoTime() - from) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Commits until the deadline; counts (and times) those that started at {@code from} or later. */
    private static long writeUntil(DataSource ds, int rowsPerCommit, long from, long deadline, List<Double> durations)
            throws Exception {
        long commits = 0;
        List<Double> mine = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement insert = c.prepareStatement("INSERT INTO t(v) VALUES (?)")) {
            c.setAutoCommit(rowsPerCommit == 1);
            while (true) {
                long started = System.nanoTime();
                if (started >= deadline) {
                    break;
                }
                for (int i = 0; i < rowsPerCommit; i++) {
                    insert.setString(1, VALUE);
                    insert.executeUpdate();
                }
                if (rowsPerCommit > 1) {
                    c.commit();
                }
                if (started >= from) {
                    mine.add((System.nanoTime() - started) / 1e6);
                    commits++;
                }
            }
        }
        durations.addAll(mine);
        return commits;
    }

    private void write(Report report, Map<Workload, Map<Contender, List<Double>>> results) {
        StringBuilder md = new StringBuilder("## 1. Write cost\n\n");
        md.append(f("Commits per second. A shared machine's disk drifts: the same plain pool measured a minute apart "
                + "runs anywhere from 1,800 to 4,500 single-row commits/s here, a wider swing than any difference "
                + "between the contenders. So, per workload, every contender runs on its own fresh database at the "
                + "same time; each first runs the workload for %.1f s unmeasured (its WAL is written, checkpointed and "
                + "restarted until it has the size it keeps under this load: on this disk an fsync that extends a "
                + "file costs about a third more than one that overwrites it); then the contenders take turns, "
                + "%d rounds of one slice each, the order rotating every round. A slice writes for %.0f s unmeasured "
                + "and then %d s measured: an idle replicator ships the first commit at once and then once a sync "
                + "interval (1 s), so whole intervals measured after a lead-in hold as much replication work as "
                + "they commit, and the lead-in absorbs the previous contender's last sync. Median and spread (min - max) "
                + "of the slices; the ratio to plain is the median over the rounds of a contender's slice divided "
                + "by the plain pool's slice of the same round, which compares slices seconds apart. Every "
                + "replicating contender ships to the same local S3 server. A 100-row transaction counts as one "
                + "commit; commit p50 / p99 is the time of one commit (its rows and the commit), over all slices. All "
                + "contenders use sqlite-jdbc's defaults (WAL, synchronous=FULL: an fsync per commit), so on this "
                + "machine's disk the plain pool is bound by fsync, not by the CPU.%n%n",
                settings.writeWarmupMillis() / 1000.0, settings.writeRounds(), SLICE_LEAD_IN_SECONDS,
                settings.writeSeconds()));
        SvgChart chart = new SvgChart("Write cost: commits per second (median)", "commits/s; label: median (ratio to plain)");
        for (Map.Entry<Workload, Map<Contender, List<Double>>> w : results.entrySet()) {
            md.append("### ").append(w.getKey().name()).append("\n\n");
            md.append("| contender | commits/s per slice | median | spread | ratio to plain | commit p50 / p99 |\n"
                    + "| --- | --- | --- | --- | --- | --- |\n");
            List<Double> plain = w.getValue().getOrDefault(Contender.PLAIN, List.of());
            for (Map.Entry<Contender, List<Double>> c : w.getValue().entrySet()) {
                double median = Stats.median(c.getValue());
                double ratio = Stats.median(pairedRatios(c.getValue(), plain));
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

    /** Each round's rate divided by the plain pool's rate in the same round. */
    static List<Double> pairedRatios(List<Double> rates, List<Double> plain) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(rates.size(), plain.size()); i++) {
            ratios.add(rates.get(i) / plain.get(i));
        }
        return ratios;
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
