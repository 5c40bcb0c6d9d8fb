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
import io.github.durablesqlite.replication.HistoryOptions;

/**
 * Scenarios 2 and 4: how long a commit takes to become an object in the store, and how many
 * requests each contender makes per hour idle, at one commit a second and at a hundred.
 *
 * <p>The store itself timestamps every PUT when it has stored the object (see
 * {@link CountingBlobStore}); a commit's lag is the time from the commit returning to the end of
 * the first data upload (level-0 LTX file, or a Litestream WAL segment) that the server began
 * after it. Nothing polls, so measuring adds no request and no delay.
 */
final class LagScenario {
    private static final double[] PRICE_PER_1000 = {0.005, 0.0004};
    private static final double HOURS_PER_MONTH = 730;
    /** The compaction levels' intervals, whose wall-clock boundaries the idle window avoids. */
    private static final List<Long> COMPACTION_LEVELS = HistoryOptions.defaults().levelIntervals().stream()
            .map(java.time.Duration::toMillis).toList();
    /** Time after a boundary for the compaction it starts to finish. */
    private static final long BOUNDARY_MARGIN_MILLIS = 3000;

    private final Settings settings;
    private final LocalS3 s3;
    private final Tools tools;
    private final Path work;

    private record Live(Contender contender, String prefix, Contender.Running running, Connection connection,
                        PreparedStatement insert) {}

    LagScenario(Settings settings, LocalS3 s3, Tools tools, Path work) {
        this.settings = settings;
        this.s3 = s3;
        this.tools = tools;
        this.work = work;
    }

    void run(Report report, List<Contender> contenders) throws Exception {
        List<Live> live = new ArrayList<>();
        Map<Contender, List<Double>> sparse = new LinkedHashMap<>();
        Map<Contender, List<Double>> dense = new LinkedHashMap<>();
        Map<Contender, Double> denseRate = new LinkedHashMap<>();
        Map<String, Map<Contender, Map<String, Double>>> perHour = new LinkedHashMap<>();
        try {
            for (Contender contender : contenders) {
                String prefix = "lag" + live.size();
                Path dir = Files.createDirectories(work.resolve(prefix));
                Contender.Running running = contender.start(dir.resolve("app.db"), s3, prefix, 2, tools);
                Connection c = running.dataSource().getConnection();
                live.add(new Live(contender, prefix, running, c, c.prepareStatement("INSERT INTO t(v) VALUES ('lag')")));
            }
            // Sparse: all contenders at once, one commit a second each, offset within the second so
            // that no two commit together; the same window counts the requests at 1 commit/s.
            live.forEach(l -> s3.store().reset(l.prefix()));
            long windowStart = System.nanoTime();
            Map<Live, List<Long>> commits = commitOnSchedule(live, 1, settings.sparseSamples());
            Thread.sleep(settings.settleMillis());
            perHour.put("1 commit/s", requestsPerHour(live, windowStart));
            for (Live l : live) {
                sparse.put(l.contender(), lags(l, commits.get(l)));
            }
            System.err.println("lag: sparse done");

            // Idle means at rest: the sparse run's writes make the first compaction level due at its next
            // boundary, so the window starts after that and never spans another level's boundary.
            long idleMillis = settings.idleSeconds() * 1000L;
            long startAt = idleWindowStart(System.currentTimeMillis(), COMPACTION_LEVELS, idleMillis, BOUNDARY_MARGIN_MILLIS);
            if (!settings.name().equals("smoke")) { // the smoke set checks the code path, not the figure
                Thread.sleep(Math.max(0, startAt - System.currentTimeMillis()));
            }
            live.forEach(l -> s3.store().reset(l.prefix()));
            windowStart = System.nanoTime();
            Thread.sleep(idleMillis);
            perHour.put("idle", requestsPerHour(live, windowStart));
            System.err.println("lag: idle done");

            live.forEach(l -> s3.store().reset(l.prefix()));
            windowStart = System.nanoTime();
            commitOnSchedule(live, 100, settings.costSeconds() * 100);
            perHour.put("100 commits/s", requestsPerHour(live, windowStart));
            System.err.println("lag: 100/s done");

            // Dense: one contender at a time, so the others' work does not delay it.
            for (Live l : live) {
                s3.store().reset(l.prefix());
                long start = System.nanoTime();
                Map<Live, List<Long>> times = commitOnSchedule(List.of(l), settings.denseRate(),
                        settings.denseRate() * settings.denseSeconds());
                denseRate.put(l.contender(), times.get(l).size() / ((System.nanoTime() - start) / 1e9));
                Thread.sleep(settings.settleMillis());
                dense.put(l.contender(), lags(l, times.get(l)));
                System.err.println("lag: dense done for " + l.contender().name());
            }
        } finally {
            for (Live l : live) {
                l.connection().close();
                l.running().close();
            }
        }
        write(report, sparse, dense, denseRate, perHour);
    }

    /**
     * When an idle window of {@code windowMillis} may start, writes having stopped at {@code now}
     * (epoch millis). The writes make the first compaction level due at its next boundary, and what
     * it writes makes the next level due at that level's next boundary, and so on: the window
     * starts after the first level's next boundary plus a margin, and is moved past each higher
     * level's boundary that would fall inside it (each move is shorter than the window). Later
     * boundaries of the first level find nothing new and cost no request.
     */
    static long idleWindowStart(long now, List<Long> levelIntervals, long windowMillis, long marginMillis) {
        long start = nextBoundary(now, levelIntervals.get(0)) + marginMillis;
        for (long interval : levelIntervals.subList(1, levelIntervals.size())) {
            long boundary = nextBoundary(start - marginMillis, interval);
            if (boundary <= start + windowMillis) {
                start = boundary + marginMillis;
            }
        }
        return start;
    }

    private static long nextBoundary(long millis, long interval) {
        return Math.floorDiv(millis, interval) * interval + interval;
    }

    /**
     * Commits one row per contender {@code count} times at {@code rate} a second each, the
     * contenders' commits spread evenly inside each period; returns when each commit returned.
     * A commit that falls behind schedule runs at once (the schedule never bunches up to catch up).
     */
    private static Map<Live, List<Long>> commitOnSchedule(List<Live> live, int rate, int count) throws Exception {
        Map<Live, List<Long>> times = new LinkedHashMap<>();
        live.forEach(l -> times.put(l, new ArrayList<>()));
        long period = 1_000_000_000L / rate;
        long slot = period / live.size();
        long start = System.nanoTime();
        for (int k = 0; k < count; k++) {
            for (int i = 0; i < live.size(); i++) {
                long due = start + k * period + i * slot;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                Live l = live.get(i);
                l.insert().executeUpdate();
                times.get(l).add(System.nanoTime());
            }
        }
        return times;
    }

    private List<Double> lags(Live l, List<Long> commitTimes) {
        List<CountingBlobStore.Put> data = s3.store().puts(l.prefix()).stream()
                .filter(p -> isData(l.contender(), p.key()))
                .sorted(java.util.Comparator.comparingLong(CountingBlobStore.Put::startNanos)).toList();
        List<Double> lags = new ArrayList<>();
        int next = 0;
        for (long commit : commitTimes) {
            while (next < data.size() && data.get(next).startNanos() < commit) {
                next++;
            }
            // An upload that began before the commit returned may not hold it; the first one begun after does.
            long end = Long.MAX_VALUE;
            for (int j = next; j < data.size() && data.get(j).startNanos() < end; j++) {
                end = Math.min(end, data.get(j).endNanos());
            }
            if (end != Long.MAX_VALUE) {
                lags.add((end - commit) / 1e6);
            }
        }
        return lags;
    }

    private static boolean isData(Contender c, String key) {
        return c.kind() == Contender.Kind.LITESTREAM_PROCESS ? key.contains("/wal/") : key.contains("/0000/");
    }

    private Map<Contender, Map<String, Double>> requestsPerHour(List<Live> live, long windowStart) {
        double hours = (System.nanoTime() - windowStart) / 3.6e12;
        Map<Contender, Map<String, Double>> result = new LinkedHashMap<>();
        for (Live l : live) {
            Map<String, Double> ops = new java.util.TreeMap<>();
            s3.store().requests(l.prefix()).forEach((op, n) -> ops.put(op, n / hours));
            result.put(l.contender(), ops);
        }
        return result;
    }

    static double monthlyDollars(Map<String, Double> perHour) {
        double dollars = 0;
        for (Map.Entry<String, Double> e : perHour.entrySet()) {
            double price = switch (e.getKey().replaceFirst("^lease ", "")) {
                case "PUT", "COPY", "POST", "LIST" -> PRICE_PER_1000[0];
                case "GET", "HEAD" -> PRICE_PER_1000[1];
                default -> 0;
            };
            dollars += e.getValue() * HOURS_PER_MONTH * price / 1000;
        }
        return dollars;
    }

    private void write(Report report, Map<Contender, List<Double>> sparse, Map<Contender, List<Double>> dense,
            Map<Contender, Double> denseRate, Map<String, Map<Contender, Map<String, Double>>> perHour) {
        StringBuilder md = new StringBuilder("## 2. Replication lag: commit to object in the store\n\n");
        md.append("Time from a commit returning to the end of the first data upload the server began after it "
                + "(a level-0 LTX file for durable-sqlite; a WAL segment for Litestream 0.3.13). The S3 server "
                + "timestamps each PUT as it stores it, so nothing polls: the measurement costs no request and adds "
                + "no delay. Each contender runs with its defaults (durable-sqlite: 1 s sync interval, syncs "
                + "triggered by commits in-process; the `replicate` process and Litestream poll the WAL, Litestream "
                + "every 1 s). The application writes through sqlite-jdbc in the benchmark JVM in every case.\n\n");
        md.append(f("**Sparse**: one single-row commit a second per contender, %d commits, all three running at once "
                + "with their commits a third of a second apart.%s%n%n", settings.sparseSamples(),
                settings.sparseSamples() < 100 ? " With fewer than 100 samples p99 is the largest sample." : ""));
        md.append(lagTable(sparse, null));
        md.append(f("**Dense**: %d single-row commits a second for %d s, one contender at a time.%n%n",
                settings.denseRate(), settings.denseSeconds()));
        md.append(lagTable(dense, denseRate));
        report.section(md.toString());
        SvgChart chart = new SvgChart("Commit to object in the store (ms)", "milliseconds; p50 and p99");
        addLagBars(chart, "sparse (1 commit/s)", sparse);
        addLagBars(chart, f("dense (%d commits/s)", settings.denseRate()), dense);
        report.chart("lag", chart);
        sparse.forEach((c, v) -> {
            report.figure("lag-sparse-p50/" + c.name(), Stats.percentile(v, 50));
            report.figure("lag-sparse-p99/" + c.name(), Stats.percentile(v, 99));
        });
        dense.forEach((c, v) -> report.figure("lag-dense-p99/" + c.name(), Stats.percentile(v, 99)));

        StringBuilder cost = new StringBuilder("## 4. Requests and cost\n\n");
        cost.append(f("Requests each contender made to its prefix, counted inside the S3 server, over a window of "
                + "%d s idle (starting after the compaction the writes before it made due, %d s after its boundary), %d s at 1 commit/s (the sparse lag run) and %d s at 100 commits/s, all three "
                + "contenders running at once; scaled to an hour (and a month of 730 hours). Prices: AWS S3 Standard "
                + "list prices (us-east-1): PUT, COPY, POST, LIST $0.005 per 1,000; GET and HEAD $0.0004 per 1,000; "
                + "DELETE free; storage $0.023 per GB-month (the replica's size is about the database's size for "
                + "both tools, so storage is not compared here). durable-sqlite's replica lease (one writer per replica: a "
                + "renewal every 10 s by default, also when idle) is listed apart as `lease PUT`/`lease GET`; totals and "
                + "bills include it, the idle target below counts replication's own requests. A short window scaled up is an estimate: a "
                + "compaction or snapshot that runs every few minutes or hours may fall outside it.%n%n",
                settings.idleSeconds(), BOUNDARY_MARGIN_MILLIS / 1000, settings.sparseSamples() + settings.settleMillis() / 1000,
                settings.costSeconds()));
        cost.append("| load | contender | requests per hour by operation | total per hour | requests $ per month |\n"
                + "| --- | --- | --- | --- | --- |\n");
        SvgChart costChart = new SvgChart("Object-store requests per hour", "requests per hour (label: $ per month)");
        perHour.forEach((load, byContender) -> byContender.forEach((c, ops) -> {
            double total = ops.values().stream().mapToDouble(Double::doubleValue).sum();
            double dollars = monthlyDollars(ops);
            String detail = ops.isEmpty() ? "none" : String.join(", ", ops.entrySet().stream()
                    .map(e -> f("%s %.0f", e.getKey(), e.getValue())).toList());
            cost.append(f("| %s | %s | %s | %.0f | $%.2f |%n", load, c.name(), detail, total, dollars));
            costChart.bar(load, c.name(), total, f("%.0f/h ($%.2f/month)", total, dollars), WriteCostScenario.colorOf(c));
            double lease = ops.entrySet().stream().filter(e -> e.getKey().startsWith("lease "))
                    .mapToDouble(Map.Entry::getValue).sum();
            report.figure("requests/" + load + "/" + c.name(), total - lease);
            report.figure("lease-requests/" + load + "/" + c.name(), lease);
        }));
        report.section(cost.toString());
        report.chart("requests", costChart);
    }

    private static String lagTable(Map<Contender, List<Double>> lags, Map<Contender, Double> rate) {
        StringBuilder md = new StringBuilder("| contender | commits measured |" + (rate == null ? "" : " achieved rate |")
                + " p50 | p90 | p99 | max |\n| --- | --- |" + (rate == null ? "" : " --- |") + " --- | --- | --- | --- |\n");
        lags.forEach((c, v) -> md.append(f("| %s | %d |%s %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n", c.name(), v.size(),
                rate == null ? "" : f(" %.0f/s |", rate.get(c)), Stats.percentile(v, 50), Stats.percentile(v, 90),
                Stats.percentile(v, 99), Stats.max(v))));
        return md.append('\n').toString();
    }

    private static void addLagBars(SvgChart chart, String group, Map<Contender, List<Double>> lags) {
        lags.forEach((c, v) -> {
            chart.bar(group, c.name() + " p50", Stats.percentile(v, 50), f("%.0f ms", Stats.percentile(v, 50)),
                    WriteCostScenario.colorOf(c));
            chart.bar(group, c.name() + " p99", Stats.percentile(v, 99), f("%.0f ms", Stats.percentile(v, 99)),
                    WriteCostScenario.colorOf(c));
        });
    }
}
