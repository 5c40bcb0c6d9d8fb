package io.github.durablesqlite.benchmarks;

import static io.github.durablesqlite.benchmarks.Stats.f;

import io.github.durablesqlite.benchmarks.jmh.CommitBenchmark;
import io.github.durablesqlite.benchmarks.jmh.LtxMergeBenchmark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Version;

/**
 * Scenario 6, per-operation costs: the JMH benchmarks of package {@code benchmarks.jmh} (CRC-64,
 * LTX encode and decode, WAL scan, k-way merge, the cost of a commit), run through JMH's runner and
 * rendered as one table. Quick: one fork, short iterations (about a minute on 2 cores); full: two
 * forks, longer; smoke: one benchmark for one short iteration in this JVM, to keep the plumbing alive.
 */
final class JmhScenario {
    static final String TITLE = "## 6. Per-operation costs (JMH)";
    private static final String PACKAGE = "io.github.durablesqlite.benchmarks.jmh.";

    /** What a benchmark measures, what one of its operations is, and the bytes one operation covers (0: none). */
    private record Operation(String method, String label, String unit, int bytes) {}

    // Also the order of the table's rows.
    private static final List<Operation> OPERATIONS = List.of(
            new Operation("Crc64Benchmark.page", "CRC-64 (the LTX file checksum) of a page", "page", 4096),
            new Operation("LtxEncodeBenchmark.encodePage", "LTX encode: LZ4 + CRC-64, index, trailer", "page", 4096),
            new Operation("LtxDecodeBenchmark.decodePage", "LTX decode and verify: LZ4 + checksums, index", "page", 4096),
            new Operation("WalScanBenchmark.scanFrame", "WAL scan: read, check salts and cumulative checksum", "frame",
                    24 + 4096),
            new Operation("LtxMergeBenchmark.merge16", "k-way merge of 16 L0 files × 8 pages (decode, merge, verify)",
                    "merge", 0),
            new Operation("CommitBenchmark.insert", "single-row autocommit INSERT on one connection", "commit", 0));

    private final Settings settings;

    JmhScenario(Settings settings) {
        this.settings = settings;
    }

    void run(Report report) {
        long started = System.nanoTime();
        String load = loadAverage();
        Collection<RunResult> results;
        if (settings.name().equals("smoke")) {
            // The smoke form measures nothing worth protecting: it must not fail because another JMH run on
            // the machine holds JMH's lock file (read once, when JMH's runner is first loaded).
            System.setProperty("jmh.ignoreLock", "true");
        }
        try {
            // Progress to stderr: stdout may be the report itself.
            results = new Runner(options().build(), OutputFormatFactory.createFormatInstance(System.err,
                    VerboseMode.NORMAL)).run();
        } catch (RunnerException e) {
            report.section(TITLE + "\n\nNot measured: JMH failed: " + e.getMessage() + "\n");
            return;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        report.figure("jmh-seconds", seconds);
        report.section(render(results, seconds, load));
    }

    ChainedOptionsBuilder options() {
        String all = PACKAGE.replace(".", "\\.");
        // -Dbenchmarks.jmh=REGEX narrows the benchmarks (e.g. Commit), as JMH's own include does.
        String include = System.getProperty("benchmarks.jmh", all);
        ChainedOptionsBuilder options = new OptionsBuilder().shouldFailOnError(true);
        return switch (settings.name()) {
            case "smoke" -> options.include(all + "Crc64Benchmark").forks(0).warmupIterations(0)
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(100));
            case "full" -> options.include(include).forks(2).warmupIterations(5).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(10).measurementTime(TimeValue.seconds(1));
            // The merge needs about 2 s to reach its compiled speed on a busy 2-core machine.
            default -> options.include(include).forks(1).warmupIterations(6).warmupTime(TimeValue.milliseconds(500))
                    .measurementIterations(5).measurementTime(TimeValue.milliseconds(400));
        };
    }

    private String render(Collection<RunResult> results, double seconds, String load) {
        StringBuilder md = new StringBuilder(TITLE).append("\n\n");
        md.append(f("Microbenchmarks of the engine's inner loops with JMH %s (%s set: %s; %.0f s in all, load "
                + "average %s when it started). Each is the real code path over realistic bytes: pages of a "
                + "SQLite file written like the other scenarios' databases (~1 KB rows, half random hex; "
                + "\"sample\", about 2.1 KB a page in LTX) or random bytes (\"random\", incompressible), 4 KiB pages, a "
                + "WAL written by sqlite-jdbc with single-row commits. Encode and decode work in memory on a "
                + "64-page file, so the per-page score includes its share of header, index and trailer. The "
                + "commit rows compare a plain sqlite-jdbc connection with a `DurableDataSource` connection "
                + "replicating asynchronously to a `file://` replica; %s. Score ± error is JMH's mean with its "
                + "99.9%% confidence interval; the median of the iterations is steadier on a shared machine, so the "
                + "derived figures use it; MB/s are 10^6 bytes of pages (or WAL) per second.%n%n",
                Version.getPlainVersion(), settings.name(), describe(), seconds, load, CommitBenchmark.onTmpfs()
                        ? "both on tmpfs (`/dev/shm`), so fsync is free and the difference is CPU alone: what "
                        + "durable-sqlite adds on the commit path (pool proxy, commit listener and signal) and its "
                        + "replicator's thread shipping the commits on the same cores"
                        : "both on the temp directory's disk, fsyncs included"));
        md.append("| operation | variant | score ± error | median (min – max) of iterations | unit | derived from "
                + "the median |\n| --- | --- | --- | --- | --- | --- |\n");
        List<RunResult> sorted = new ArrayList<>(results);
        // Stable: within an operation, JMH's own order (parameter values as declared).
        sorted.sort(Comparator.comparingInt(JmhScenario::order));
        double plainCommit = sorted.stream().filter(r -> method(r).equals("CommitBenchmark.insert")
                        && "plain".equals(r.getParams().getParam("target")))
                .mapToDouble(JmhScenario::medianNanos).findFirst().orElse(Double.NaN);
        for (RunResult r : sorted) {
            Operation op = operation(r);
            Result<?> result = r.getPrimaryResult();
            List<Double> iterations = iterations(r);
            double ns = medianNanos(r);
            String unit = result.getScoreUnit().replace("us/", "µs/").replace("/op", "/" + (op == null ? "op" : op.unit()));
            String derived = "";
            if (op != null && op.bytes() > 0) {
                derived = f("%,.0f MB/s", op.bytes() / ns * 1e3);
            } else if (op != null && op.unit().equals("merge")) {
                derived = f("%,.0f ns per input page", ns / LtxMergeBenchmark.INPUT_PAGES);
            } else if (op != null && op.unit().equals("commit")) {
                derived = f("%,.0f commits/s", 1e9 / ns);
                if (!"plain".equals(r.getParams().getParam("target")) && !Double.isNaN(plainCommit)) {
                    derived += f("; %+.1f µs (%+.0f%%) over plain", (ns - plainCommit) / 1e3,
                            (ns / plainCommit - 1) * 100);
                }
            }
            md.append(f("| %s | %s | %s ± %s | %s (%s – %s) | %s | %s |%n", op == null ? method(r) : op.label(),
                    variant(r), number(result.getScore()), number(result.getScoreError()),
                    number(Stats.median(iterations)), number(Stats.min(iterations)), number(Stats.max(iterations)),
                    unit, derived));
        }
        return md.toString();
    }

    private String describe() {
        var o = options().build();
        int forks = o.getForkCount().orElse(1);
        return f("%s, %d warm-up iterations of %s, %d measured of %s", forks == 0 ? "in the harness's JVM"
                        : forks == 1 ? "1 fork" : forks + " forks",
                o.getWarmupIterations().orElse(0), o.getWarmupTime().orElse(TimeValue.seconds(10)),
                o.getMeasurementIterations().orElse(0), o.getMeasurementTime().orElse(TimeValue.seconds(10)));
    }

    /** The score of every measured iteration of every fork, in the result's unit. */
    private static List<Double> iterations(RunResult r) {
        List<Double> scores = new ArrayList<>();
        for (BenchmarkResult fork : r.getBenchmarkResults()) {
            for (IterationResult iteration : fork.getIterationResults()) {
                scores.add(iteration.getPrimaryResult().getScore());
            }
        }
        return scores;
    }

    /** Median of the iterations in nanoseconds: on a shared machine one slow iteration moves the mean, not this. */
    private static double medianNanos(RunResult r) {
        return Stats.median(iterations(r)) * nanosPer(r.getPrimaryResult().getScoreUnit());
    }

    private static String method(RunResult r) {
        String name = r.getParams().getBenchmark();
        return name.startsWith(PACKAGE) ? name.substring(PACKAGE.length()) : name;
    }

    private static Operation operation(RunResult r) {
        String method = method(r);
        return OPERATIONS.stream().filter(o -> o.method().equals(method)).findFirst().orElse(null);
    }

    private static int order(RunResult r) {
        Operation op = operation(r);
        return op == null ? OPERATIONS.size() : OPERATIONS.indexOf(op);
    }

    /** The benchmark's parameters in words: LZ4 block or frame, sample or random pages, plain or durable. */
    private static String variant(RunResult r) {
        List<String> words = new ArrayList<>();
        for (String key : r.getParams().getParamsKeys()) {
            String value = r.getParams().getParam(key);
            words.add(switch (value) {
                case "BLOCK" -> "LZ4 block (flags 1)";
                case "FRAME" -> "LZ4 frame (flags 0)";
                case "sample" -> "sample page";
                case "random" -> "random page";
                case "plain" -> "plain sqlite-jdbc";
                case "durable" -> "durable-sqlite async";
                default -> key + "=" + value;
            });
        }
        return words.isEmpty() ? "–" : String.join(", ", words);
    }

    private static double nanosPer(String unit) {
        String time = unit.substring(0, unit.indexOf('/'));
        return switch (time) {
            case "ns" -> 1;
            case "us" -> TimeUnit.MICROSECONDS.toNanos(1);
            case "ms" -> TimeUnit.MILLISECONDS.toNanos(1);
            case "s" -> TimeUnit.SECONDS.toNanos(1);
            default -> throw new IllegalArgumentException("unexpected JMH unit " + unit);
        };
    }

    private static String number(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        return value < 10 ? f("%.2f", value) : value < 100 ? f("%.1f", value) : f("%,.0f", value);
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " / " + fields[1] + " (1 / 5 min)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
