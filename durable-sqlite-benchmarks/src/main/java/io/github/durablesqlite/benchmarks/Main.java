package io.github.durablesqlite.benchmarks;

import static io.github.durablesqlite.benchmarks.Stats.f;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs the scenario benchmarks side by side with Litestream and writes the report.
 *
 * <p>Usage: {@code java -jar durable-sqlite-benchmarks/target/benchmarks.jar [--smoke|--quick|--full]
 * [--write-docs] [--out FILE]}, from the checkout's root. {@code --write-docs} rewrites
 * {@code docs/benchmarks.md} and its charts in {@code docs/benchmarks/}.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.quick();
        boolean writeDocs = false;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> settings = Settings.smoke();
                case "--quick" -> settings = Settings.quick();
                case "--full" -> settings = Settings.full();
                case "--write-docs" -> writeDocs = true;
                case "--out" -> {
                    if (i + 1 == args.length) {
                        throw new IllegalArgumentException("--out needs a file name, e.g. --out /tmp/benchmarks.md");
                    }
                    out = Path.of(args[++i]);
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: [--smoke|--quick|--full] [--write-docs] [--out FILE]");
            }
        }
        Tools tools = Tools.locate();
        if (writeDocs) {
            out = tools.root().resolve("docs/benchmarks.md");
        }
        // The charts go beside the document, in a directory named after it (benchmarks.md: benchmarks/).
        String chartDirectory = out == null ? "benchmarks" : out.getFileName().toString().replaceFirst("\\.md$", "");
        Report report = run(settings, tools, new Report(chartDirectory));
        String markdown = Document.render(settings, tools, report);
        if (out == null) {
            System.out.print(markdown);
            return;
        }
        Path charts = Files.createDirectories(out.toAbsolutePath().getParent().resolve(chartDirectory));
        for (Map.Entry<String, SvgChart> chart : report.charts().entrySet()) {
            Files.writeString(charts.resolve(chart.getKey() + ".svg"), chart.getValue().render());
        }
        Files.writeString(out, markdown);
        System.err.println("wrote " + out + " and " + report.charts().size() + " charts in " + charts);
    }

    /** Runs every scenario of the set; parts that need a missing tool are skipped, or fail under CI. */
    static Report run(Settings settings, Tools tools) throws Exception {
        return run(settings, tools, new Report());
    }

    static Report run(Settings settings, Tools tools, Report report) throws Exception {
        List<String> missing = tools.missing();
        if (!missing.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("benchmark tools missing under CI: " + String.join("; ", missing));
        }
        long started = System.nanoTime();
        Path work = Files.createTempDirectory("durable-sqlite-bench");
        try (LocalS3 s3 = LocalS3.start()) {
            List<Contender> writers = new ArrayList<>(List.of(Contender.PLAIN, Contender.ASYNC, Contender.SYNC));
            List<Contender> manyWriters = new ArrayList<>(List.of(Contender.PLAIN, Contender.SYNC));
            List<Contender> lag = new ArrayList<>(List.of(Contender.ASYNC));
            if (tools.hasCli()) {
                lag.add(Contender.CLI);
            }
            if (tools.hasLitestream()) {
                writers.add(Contender.LITESTREAM);
                lag.add(Contender.LITESTREAM);
            }
            // -Dbenchmarks.only=write,lag,restore,memory,jmh runs a subset (for working on one scenario).
            String only = System.getProperty("benchmarks.only", "write,lag,restore,memory,jmh");
            if (only.contains("write")) {
                new WriteCostScenario(settings, s3, tools, work).run(report, writers, manyWriters);
            }
            if (only.contains("lag")) {
                new LagScenario(settings, s3, tools, work).run(report, lag);
            }
            if (only.contains("restore")) {
                new RestoreScenario(settings, s3, tools, work).run(report);
            }
            if (only.contains("memory")) {
                new MemoryScenario(settings, s3, tools, work).run(report);
            }
            if (only.contains("jmh")) {
                new JmhScenario(settings).run(report);
            }
        } finally {
            deleteRecursively(work);
        }
        report.figure("run-seconds", (System.nanoTime() - started) / 1e9);
        if (!missing.isEmpty()) {
            report.section("Not measured in this run for want of a tool: " + String.join("; ", missing) + ".\n");
        }
        return report;
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String now() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    }

    static String duration(double seconds) {
        Duration d = Duration.ofSeconds((long) seconds);
        return f("%d min %02d s", d.toMinutes(), d.toSecondsPart());
    }
}
