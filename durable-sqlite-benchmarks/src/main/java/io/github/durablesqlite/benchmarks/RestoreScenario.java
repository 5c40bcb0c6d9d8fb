package io.github.durablesqlite.benchmarks;

import static io.github.durablesqlite.benchmarks.Stats.f;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.replication.ReplicationMetrics;
import io.github.durablesqlite.replication.Restorer;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * Scenario 3, restore: one database replicated by durable-sqlite and (a copy of the same file) by
 * Litestream 0.3.13, then restored every way there is, in alternating rounds: durable-sqlite's
 * restorer in-process and as the CLI, Litestream 0.3.13 restoring its own replica, Litestream
 * 0.5.17's VFS reading our replica (a {@code VACUUM INTO} through it copies every page), and a plain
 * download of exactly the objects our restore read, the floor. Then again after a long history.
 */
final class RestoreScenario {
    private static final String IN_PROCESS = "durable-sqlite restore (in-process)";
    private static final String CLI = "durable-sqlite restore (CLI, includes JVM start)";
    private static final String LITESTREAM = "Litestream 0.3.13 restore (its own replica)";
    private static final String VFS = "Litestream 0.5.17 VFS reading our replica (VACUUM INTO)";
    private static final String RAW = "raw download of the same objects (floor)";
    private static final String RAW_FILE = "raw download of the same objects into a file";
    private static final String UNVERIFIED = "durable-sqlite restore before its fsync and integrity check "
            + "(its own timing of the in-process rounds)";

    private final Settings settings;
    private final LocalS3 s3;
    private final Tools tools;
    private final Path work;

    RestoreScenario(Settings settings, LocalS3 s3, Tools tools, Path work) {
        this.settings = settings;
        this.s3 = s3;
        this.tools = tools;
        this.work = work;
    }

    void run(Report report) throws Exception {
        Path dir = Files.createDirectories(work.resolve("restore"));
        Path ours = dir.resolve("ours.db");
        Path theirs = dir.resolve("theirs.db");
        SampleDatabase.create(ours, settings.restoreBytes());
        Files.copy(ours, theirs);
        long size = Files.size(ours);
        Map<String, String> notes = new LinkedHashMap<>();

        replicateOurs(ours, 0);
        if (tools.hasLitestream()) {
            replicateTheirs(theirs, 0);
        }
        Map<String, List<Double>> fresh = measure(dir, theirs, notes);
        System.err.println("restore: fresh done");

        replicateOurs(ours, settings.historyCommits());
        if (tools.hasLitestream()) {
            replicateTheirs(theirs, settings.historyCommits());
        }
        Map<String, List<Double>> history = measure(dir, theirs, notes);
        System.err.println("restore: history done");
        s3.deleteAll("restore-ours");
        s3.deleteAll("restore-theirs");
        write(report, size, fresh, history, notes);
    }

    private DurableDataSource durable(Path db) {
        return DurableSqlite.configure().path(db).replicaUrl(s3.replicaUrl("restore-ours")).environment(s3.env())
                .name("restore-ours").compactionIntervals(Duration.ofSeconds(1), Duration.ofSeconds(5)).build();
    }

    /** Replicates the database (a full copy at first start), then {@code commits} commits, waiting out compaction. */
    private void replicateOurs(Path db, int commits) throws Exception {
        try (DurableDataSource ds = durable(db)) {
            ds.replicateNow(Duration.ofMinutes(10));
            if (commits > 0) {
                SampleDatabase.history(ds, commits);
                ds.replicateNow(Duration.ofMinutes(1));
                Thread.sleep(2L * settings.settleMillis()); // compaction runs every 1 s and 5 s
            }
        }
    }

    private void replicateTheirs(Path db, int commits) throws Exception {
        try (Contender.Running running = new Contender.Running(Contender.plainPool(db, 2),
                Contender.startLitestream(db, s3, "restore-theirs", tools))) {
            Contender.awaitFirstPut(s3, "restore-theirs", running.sidecar(), Duration.ofMinutes(10));
            if (commits > 0) {
                SampleDatabase.history(running.dataSource(), commits);
            }
            s3.awaitQuiet("restore-theirs", Duration.ofMillis(settings.settleMillis()));
        }
    }

    private Map<String, List<Double>> measure(Path dir, Path theirs, Map<String, String> notes) throws Exception {
        List<String> ways = new ArrayList<>(List.of(IN_PROCESS, RAW, RAW_FILE));
        if (tools.hasCli()) {
            ways.add(CLI);
        }
        if (tools.hasLitestream()) {
            ways.add(LITESTREAM);
        }
        if (tools.hasVfs()) {
            ways.add(VFS);
        }
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        ways.forEach(w -> seconds.put(w, new ArrayList<>()));
        seconds.put(UNVERIFIED, new ArrayList<>());
        List<String> objects = objectsRead(dir, notes);
        for (int round = 0; round < settings.restoreRounds(); round++) {
            List<String> order = new ArrayList<>(ways);
            java.util.Collections.rotate(order, -round);
            for (String way : order) {
                if (way.equals(VFS) && round > 0) {
                    continue; // tens of seconds a copy: once per phase keeps the quick set under 10 minutes
                }
                Path out = dir.resolve("out-" + round + ".db");
                long start = System.nanoTime();
                Restorer.Result result = restore(way, out, theirs, objects, dir);
                seconds.get(way).add((System.nanoTime() - start) / 1e9);
                if (result != null) {
                    seconds.get(UNVERIFIED).add((result.nanos() - result.verifyNanos()) / 1e9);
                }
                for (String suffix : List.of("", "-wal", "-shm")) {
                    Files.deleteIfExists(Path.of(out + suffix));
                }
            }
        }
        return seconds;
    }

    /** The objects an in-process restore reads, seen by the server; the raw download fetches exactly these. */
    private List<String> objectsRead(Path dir, Map<String, String> notes) throws Exception {
        s3.store().reset("restore-ours");
        Path out = dir.resolve("probe.db");
        Restorer.Result result = restoreInProcess(out);
        Files.delete(out);
        List<String> keys = s3.store().gets("restore-ours").stream().distinct().toList();
        notes.put("files", f("%d LTX files, %.1f MB downloaded, restored to TXID %d", result.files(),
                result.downloadedBytes() / 1e6, result.txid()));
        return keys;
    }

    private Restorer.Result restoreInProcess(Path out) throws Exception {
        try (ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(s3.replicaUrl("restore-ours")), s3.env())) {
            return new Restorer(client, ReplicationMetrics.NONE).restore(out, null, null, null, bytes -> { });
        }
    }

    /** Restores one way; returns the restorer's own result for the in-process way, else null. */
    private Restorer.Result restore(String way, Path out, Path theirs, List<String> objects, Path dir) throws Exception {
        switch (way) {
            case IN_PROCESS -> {
                return restoreInProcess(out);
            }
            case RAW -> download(objects, null);
            case RAW_FILE -> download(objects, out);
            case CLI -> run(List.of("java", "-jar", tools.cliJar().toString(), "restore", "-o", out.toString(),
                    s3.replicaUrl("restore-ours")), s3.env(), dir);
            case LITESTREAM -> run(List.of(tools.litestream().toString(), "restore", "-config",
                    theirs.resolveSibling("restore-theirs-litestream").resolve("litestream.yml").toString(),
                    "-o", out.toString(), theirs.toString()), s3.env(), dir);
            case VFS -> {
                Map<String, String> env = s3.env();
                env.put("LITESTREAM_REPLICA_URL", s3.replicaUrl("restore-ours"));
                env.put("LITESTREAM_LOG_FILE", dir.resolve("vfs.log").toString());
                Path script = Files.writeString(dir.resolve("vfs.sql"), ".load " + tools.vfsExtension().toString()
                        .replaceAll("\\.so$", "") + "\n.open file:replica.db?vfs=litestream&mode=ro\nVACUUM INTO 'file:" + out + "?vfs=unix';\n");
                try (Child child = Child.start(List.of(Tools.sqlite3().toString(), "-batch", "-bail", "-init", "/dev/null"),
                        env, dir.resolve("vfs"), script)) {
                    child.waitFor(Duration.ofMinutes(10));
                }
                if (!Files.isRegularFile(out) || Files.size(out) == 0) {
                    throw new IllegalStateException("VACUUM INTO through the VFS wrote nothing to " + out);
                }
            }
            default -> throw new IllegalArgumentException(way);
        }
        return null;
    }

    private static void run(List<String> command, Map<String, String> env, Path dir) throws Exception {
        try (Child child = Child.start(command, env, dir.resolve("child"))) {
            child.waitFor(Duration.ofMinutes(10));
        }
    }

    /** Downloads the objects one after another, into {@code file} (no fsync) or, when it is null, nowhere. */
    private void download(List<String> keys, Path file) throws Exception {
        byte[] buffer = new byte[1 << 16];
        try (S3Client client = s3.newClient();
             OutputStream sink = file == null ? OutputStream.nullOutputStream() : Files.newOutputStream(file)) {
            for (String key : keys) {
                try (InputStream in = client.getObject(GetObjectRequest.builder().bucket(LocalS3.BUCKET).key(key).build())) {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        sink.write(buffer, 0, n);
                    }
                }
            }
        }
    }

    private void write(Report report, long size, Map<String, List<Double>> fresh, Map<String, List<Double>> history,
            Map<String, String> notes) {
        StringBuilder md = new StringBuilder("## 3. Restore\n\n");
        md.append(f("A %.0f MiB database (%s set; rows of about 1 KB, half random), replicated by durable-sqlite and, "
                + "as a copy of the same file, by Litestream 0.3.13; restored %d times each way, the order rotating "
                + "(the VFS copy, which takes tens of seconds, once). The in-process restore and the raw downloads run in "
                + "the benchmark JVM; the others are processes (the CLI's time includes starting a JVM). The raw downloads "
                + "fetch, one after another like the restorer, exactly the objects the in-process restore read: the floor "
                + "discards the bytes, the other writes them to a file. The restore verifies every file's checksum as it "
                + "decodes, then makes the file durable (fsync) while SQLite's integrity check reads it; the row before "
                + "its fsync and integrity check is the restorer's own timing of the in-process rounds up to that point.%n%n",
                size / (double) Settings.MIB, settings.name(), settings.restoreRounds()));
        md.append(restoreTable("Fresh replica (a full copy and nothing after it)", fresh));
        md.append(f("After a long history: %,d single-row commits (inserts and updates) on top, replicated with "
                + "compaction every 1 s and 5 s for durable-sqlite and Litestream 0.3.13's defaults; the restore "
                + "read %s.%n%n", settings.historyCommits(), notes.getOrDefault("files", "?")));
        md.append(restoreTable("After the history", history));
        report.section(md.toString());
        SvgChart chart = new SvgChart(f("Restore of a %.0f MiB database (median seconds)", size / (double) Settings.MIB),
                "seconds (lower is better)");
        int i = 0;
        for (String way : fresh.keySet()) {
            chart.bar("fresh replica", way, Stats.median(fresh.get(way)), f("%.2f s", Stats.median(fresh.get(way))), i++);
        }
        i = 0;
        for (String way : history.keySet()) {
            chart.bar("after the history", way, Stats.median(history.get(way)), f("%.2f s", Stats.median(history.get(way))), i++);
        }
        report.chart("restore", chart);
        for (String phase : List.of("fresh", "history")) {
            Map<String, List<Double>> m = phase.equals("fresh") ? fresh : history;
            report.figure("restore-" + phase + "/ours", Stats.median(m.get(IN_PROCESS)));
            report.figure("restore-" + phase + "/raw", Stats.median(m.get(RAW)));
            report.figure("restore-" + phase + "/raw-file", Stats.median(m.get(RAW_FILE)));
            report.figure("restore-" + phase + "/unverified", Stats.median(m.get(UNVERIFIED)));
            report.figure("restore-" + phase + "/litestream", m.containsKey(LITESTREAM) ? Stats.median(m.get(LITESTREAM)) : Double.NaN);
            report.figure("restore-" + phase + "/vfs", m.containsKey(VFS) ? Stats.median(m.get(VFS)) : Double.NaN);
            report.figure("restore-" + phase + "/cli", m.containsKey(CLI) ? Stats.median(m.get(CLI)) : Double.NaN);
        }
    }

    private static String restoreTable(String title, Map<String, List<Double>> seconds) {
        double raw = Stats.median(seconds.get(RAW));
        StringBuilder md = new StringBuilder("### " + title + "\n\n| way | seconds per round | median | spread | "
                + "ratio to raw download |\n| --- | --- | --- | --- | --- |\n");
        seconds.forEach((way, v) -> md.append(f("| %s | %s | %.2f s | %s | %.2f |%n", way,
                String.join(", ", v.stream().map(x -> f("%.2f", x)).toList()), Stats.median(v), Stats.spread(v, "%.2f"),
                Stats.median(v) / raw)));
        return md.append('\n').toString();
    }
}
