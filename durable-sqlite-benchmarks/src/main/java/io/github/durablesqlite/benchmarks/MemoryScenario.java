package io.github.durablesqlite.benchmarks;

import static io.github.durablesqlite.benchmarks.Stats.f;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 5, memory: the CLI in a child JVM limited to {@code -Xmx256m}, replicating a large
 * database (its first full copy and the start-up snapshot, then commits) and restoring it. Peak
 * RSS is the kernel's maximum resident set size of the child (GNU time's {@code %M}); peak heap is
 * the largest heap occupancy the GC log shows before a collection.
 */
final class MemoryScenario {
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final int COMMITS = 1000;

    record Peak(String phase, long rssKib, long heapMib, int collections, String outcome) {}

    private final Settings settings;
    private final LocalS3 s3;
    private final Tools tools;
    private final Path work;

    MemoryScenario(Settings settings, LocalS3 s3, Tools tools, Path work) {
        this.settings = settings;
        this.s3 = s3;
        this.tools = tools;
        this.work = work;
    }

    void run(Report report) throws Exception {
        if (!tools.hasCli() || !Files.isExecutable(Path.of("/usr/bin/time"))) {
            report.section("## 5. Memory\n\nNot measured: needs the CLI jar and /usr/bin/time.\n");
            return;
        }
        Path dir = Files.createDirectories(work.resolve("memory"));
        Path db = dir.resolve("big.db");
        SampleDatabase.create(db, settings.memoryBytes());
        long size = Files.size(db);
        List<Peak> peaks = new ArrayList<>();
        String prefix = "memory";
        s3.store().reset(prefix);

        Path gc = dir.resolve("replicate-gc.log");
        Path rss = dir.resolve("replicate-rss.txt");
        try (Child child = Child.start(command(rss, gc, "replicate", db.toString(), s3.replicaUrl(prefix)), s3.env(),
                dir.resolve("replicate"))) {
            Contender.awaitFirstPut(s3, prefix, child, Duration.ofMinutes(20));
            try (var pool = Contender.plainPool(db, 2)) {
                SampleDatabase.history(pool, COMMITS);
            }
            s3.awaitQuiet(prefix, Duration.ofMillis(settings.settleMillis()));
            // SIGTERM reaches the JVM (time's child); time then reports its peak and exits.
            Duration stopped = child.stopDescendants(Duration.ofSeconds(30));
            peaks.add(peak(f("replicate: first full copy + start-up snapshot, then %,d commits", COMMITS), rss, gc,
                    stopped == null ? "killed after 30 s" : "stopped by SIGTERM"));
        }
        Path out = dir.resolve("restored.db");
        gc = dir.resolve("restore-gc.log");
        rss = dir.resolve("restore-rss.txt");
        String outcome = "completed";
        try (Child child = Child.start(command(rss, gc, "restore", "-o", out.toString(), s3.replicaUrl(prefix)), s3.env(),
                dir.resolve("restore"))) {
            child.waitFor(Duration.ofMinutes(20));
        } catch (java.io.IOException e) {
            outcome = "failed: " + e.getMessage().lines().findFirst().orElse("");
        }
        peaks.add(peak("restore (verified: checksums and integrity check)", rss, gc, outcome));
        Main.deleteRecursively(dir);
        write(report, size, peaks);
    }

    private List<String> command(Path rss, Path gc, String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString(),
                "java", "-Xmx256m", "-Xlog:gc:file=" + gc, "-jar", tools.cliJar().toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static Peak peak(String phase, Path rss, Path gc, String outcome) throws Exception {
        long rssKib = -1;
        if (Files.exists(rss)) {
            for (String line : Files.readAllLines(rss)) {
                if (line.strip().matches("\\d+")) {
                    rssKib = Long.parseLong(line.strip());
                }
            }
        }
        long heap = 0;
        int collections = 0;
        if (Files.exists(gc)) {
            Matcher m = GC_LINE.matcher(Files.readString(gc));
            while (m.find()) {
                heap = Math.max(heap, Long.parseLong(m.group(1)));
                collections++;
            }
        }
        return new Peak(phase, rssKib, heap, collections, outcome);
    }

    private void write(Report report, long size, List<Peak> peaks) {
        StringBuilder md = new StringBuilder("## 5. Memory\n\n");
        md.append(f("`durable-sqlite replicate` and `durable-sqlite restore` in a child JVM with `-Xmx256m` over a "
                + "%.0f MiB database (%s set). Peak RSS is the child's maximum resident set size as the kernel "
                + "reports it (GNU time `%%M`); peak heap is the largest heap occupancy the GC log shows before a "
                + "collection (so at most the heap's size when it filled).%n%n", size / (double) Settings.MIB, settings.name()));
        md.append("| phase | outcome | peak RSS | peak heap before a GC | collections |\n| --- | --- | --- | --- | --- |\n");
        SvgChart chart = new SvgChart(f("Memory of the CLI, %.0f MiB database, -Xmx256m", size / (double) Settings.MIB),
                "MiB");
        long maxHeap = 0;
        for (Peak p : peaks) {
            md.append(f("| %s | %s | %.0f MiB | %d MiB | %d |%n", p.phase(), p.outcome(), p.rssKib() / 1024.0,
                    p.heapMib(), p.collections()));
            String name = p.phase().split("[:(]")[0].strip();
            chart.bar(name, "peak RSS", p.rssKib() / 1024.0, f("%.0f MiB", p.rssKib() / 1024.0), 0);
            chart.bar(name, "peak heap", p.heapMib(), f("%d MiB", p.heapMib()), 1);
            maxHeap = Math.max(maxHeap, p.heapMib());
            if (!p.outcome().startsWith("completed") && !p.outcome().startsWith("stopped")) {
                maxHeap = Long.MAX_VALUE;
            }
        }
        report.section(md.toString());
        report.chart("memory", chart);
        report.figure("memory/heap", maxHeap == Long.MAX_VALUE ? Double.NaN : maxHeap);
        report.figure("memory/size", size / (double) Settings.MIB);
    }
}
