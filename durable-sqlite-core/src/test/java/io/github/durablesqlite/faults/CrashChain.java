package io.github.durablesqlite.faults;

import io.github.durablesqlite.Durability;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.replication.ReplicationMetrics;
import io.github.durablesqlite.replication.Restorer;
import io.github.durablesqlite.testing.DatabaseDump;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One database and its replica through many crash cycles: start a writer, kill it, restore the
 * replica into a fresh file and check it, then either keep the local database (a process crash) or
 * delete it (a lost machine) and start the next writer on what is left, so the TXID chain, restart
 * continuation and staged-file recovery all run under kills.
 */
final class CrashChain implements AutoCloseable {
    private final String name;
    private final Durability mode;
    private final String replicaUrl;
    private final Map<String, String> env;
    private final long asyncWindowMillis;
    private final Random random;
    private final List<String> problems;
    private final Path work;
    private final Path local;
    private final Path db;
    private final Path state;
    private final Path log;
    private final ReplicaClient client;
    private final Restorer restorer;
    private final Set<Long> everPresent = new HashSet<>();
    private final CrashTally tally = new CrashTally();
    private long startupEstimateMillis = 1500;
    private String lastRestoredSummary;

    CrashChain(String name, Durability mode, String replicaUrl, Map<String, String> env, long asyncWindowMillis,
               Random random, List<String> problems, Path work, Path logs) throws IOException {
        this.name = name;
        this.mode = mode;
        this.replicaUrl = replicaUrl;
        this.env = env;
        this.asyncWindowMillis = asyncWindowMillis;
        this.random = random;
        this.problems = problems;
        this.work = Files.createDirectories(work);
        this.local = work.resolve("local");
        this.db = local.resolve("app.db");
        this.state = local.resolve("state");
        this.log = Files.createDirectories(logs).resolve(name + ".log");
        Files.deleteIfExists(log);
        this.client = ReplicaClients.open(ReplicaUrl.parse(replicaUrl), env);
        this.restorer = new Restorer(client, ReplicationMetrics.NONE);
    }

    /** One start, kill, restore and check; {@code cycle} makes the ids of this run unique. */
    void runCycle(int cycle) throws Exception {
        tally.cycles++;
        int checkpointPages = pick(0.35) ? 4 : pick(0.4) ? 32 : 1000;
        boolean shortHistory = pick(0.5);
        tally.smallCheckpointCycles += checkpointPages <= 32 ? 1 : 0;
        tally.shortHistoryCycles += shortHistory ? 1 : 0;
        Files.createDirectories(local);
        CrashChild child = CrashChild.launch(List.of(
                "db=" + db, "replica=" + replicaUrl, "state=" + state, "mode=" + mode,
                "base=" + (cycle * 10_000_000L + 1), "threads=" + (mode == Durability.SYNC ? 4 : 2),
                "checkpointPages=" + checkpointPages, "history=" + (shortHistory ? "short" : "default")), env, log);
        try {
            if (pick(0.25)) {
                // Start-up: opening the pool, restoring a lost database, joining the replica, uploading
                // staged files and the start-up snapshot.
                long delay = (long) (random.nextDouble() * startupEstimateMillis);
                sleepUntil(child.launchedNanos() + TimeUnit.MILLISECONDS.toNanos(delay));
            } else if (child.awaitReady(60_000)) {
                // Async mode writes longer, so that part of its acknowledgements is older than the window
                // at the kill and must survive it.
                Thread.sleep(50 + random.nextInt(mode == Durability.ASYNC ? 4950 : 1950));
            }
        } catch (InterruptedException e) {
            child.kill(); // the test is being stopped: leave no writer behind
            throw e;
        }
        boolean wasAlive = child.isAlive();
        long killedAt = child.kill();
        if (!wasAlive || child.exitValue() != CrashChild.KILLED) {
            tally.exitedBeforeKill++;
            problems.add(name + " cycle " + cycle + ": the writer exited with " + child.exitValue()
                    + " before it was killed; see " + log);
        }
        long startup = child.startupMillis();
        if (startup < 0) {
            tally.killsDuringStartup++;
        } else {
            tally.killsWhileWriting++;
            tally.startups++;
            tally.startupMillisTotal += startup;
            startupEstimateMillis = (startupEstimateMillis * 3 + startup) / 4;
        }
        List<CrashChild.Ack> acks = child.acks();
        checkLocalFile(cycle, acks);
        checkReplica(cycle, acks, killedAt);
        prepareRestart();
    }

    /** SIGKILL loses nothing SQLite committed: every acknowledged id is in the local database. */
    private void checkLocalFile(int cycle, List<CrashChild.Ack> acks) throws IOException, SQLException {
        if (!Files.exists(db) || acks.isEmpty()) {
            return;
        }
        Path copyDir = Files.createDirectories(work.resolve("local-copy"));
        Path copy = copyDir.resolve("app.db");
        Files.copy(db, copy, StandardCopyOption.REPLACE_EXISTING);
        Path wal = Path.of(db + "-wal");
        if (Files.exists(wal)) {
            Files.copy(wal, Path.of(copy + "-wal"), StandardCopyOption.REPLACE_EXISTING);
        }
        Set<Long> present = ids(copy);
        long missing = acks.stream().filter(ack -> !present.contains(ack.id())).count();
        if (missing > 0) {
            tally.missingLocally += missing;
            problems.add(name + " cycle " + cycle + ": " + missing + " acknowledged ids are missing from the local "
                    + "database after SIGKILL");
        }
        deleteTree(copyDir);
    }

    private void checkReplica(int cycle, List<CrashChild.Ack> acks, long killedAt) throws IOException, SQLException {
        tally.acks += acks.size();
        Set<Long> present = Set.of();
        if (restorer.replicaExists()) {
            Path restored = work.resolve("restored-" + cycle + ".db");
            try {
                restorer.restore(restored, null, null, null, null);
                tally.restores++;
            } catch (IOException | RuntimeException e) {
                tally.failedRestores++;
                problems.add(name + " cycle " + cycle + ": restore failed: " + e);
                return;
            }
            String integrity = DatabaseDump.integrityCheck(restored);
            if (!"ok".equals(integrity)) {
                tally.integrityFailures++;
                problems.add(name + " cycle " + cycle + ": integrity_check of the restored file: " + integrity);
            }
            present = ids(restored);
            lastRestoredSummary = summary(restored);
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(Path.of(restored + suffix));
            }
        }
        Set<Long> restoredIds = present;
        long vanished = everPresent.stream().filter(id -> !restoredIds.contains(id)).count();
        if (vanished > 0) {
            tally.vanished += vanished;
            problems.add(name + " cycle " + cycle + ": " + vanished + " ids an earlier restore held are gone");
        }
        everPresent.addAll(present);
        for (CrashChild.Ack ack : acks) {
            long age = killedAt - ack.ackedAtMillis();
            tally.acksOlderThanWindow += age > asyncWindowMillis ? 1 : 0;
            if (present.contains(ack.id())) {
                continue;
            }
            tally.lost++;
            tally.oldestLostMillis = Math.max(tally.oldestLostMillis, age);
            if (mode == Durability.SYNC) {
                problems.add(name + " cycle " + cycle + ": SYNC mode lost acknowledged id " + ack.id()
                        + ", acknowledged " + age + " ms before the kill");
            } else if (age > asyncWindowMillis) {
                tally.lostBeyondWindow++;
                problems.add(name + " cycle " + cycle + ": ASYNC mode lost id " + ack.id() + ", acknowledged " + age
                        + " ms before the kill (window " + asyncWindowMillis + " ms)");
            }
        }
    }

    /** Keeps the local database (a crashed process restarts) or loses it (a new machine), at random. */
    private void prepareRestart() throws IOException {
        if (Files.exists(local)) {
            try (Stream<Path> files = Files.list(local)) {
                tally.restoreTempFilesLeft += (int) files.filter(f -> f.toString().endsWith(".restoring")).count();
            }
        }
        double choice = random.nextDouble();
        if (choice < 0.4) {
            tally.keptLocalRestarts++;
            return;
        }
        tally.lostMachineRestarts++;
        deleteTree(local);
        if (choice < 0.7 && restorer.replicaExists()) {
            // Like `durable-sqlite restore` before the app starts; otherwise the writer restores itself.
            restorer.restore(db, null, null, state, null);
            tally.restores++;
        }
    }

    /** Litestream's reading of the final replica, in the same terms as {@link #lastRestoredSummary()}. */
    String summaryQuery() {
        return "SELECT count(*) || ' ' || coalesce(sum(id), 0) || ' ' || coalesce(max(id), 0) FROM acked;";
    }

    /** The id count, sum and maximum of the last restore, or null if none had the table. */
    String lastRestoredSummary() {
        return lastRestoredSummary;
    }

    String name() {
        return name;
    }

    String replicaUrl() {
        return replicaUrl;
    }

    Map<String, String> env() {
        return env;
    }

    Durability mode() {
        return mode;
    }

    CrashTally tally() {
        return tally;
    }

    private String summary(Path file) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            if (!hasTable(statement)) {
                return null;
            }
            try (ResultSet rs = statement.executeQuery(summaryQuery())) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static Set<Long> ids(Path file) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            if (!hasTable(statement)) {
                return ids;
            }
            try (ResultSet rs = statement.executeQuery("SELECT id FROM acked")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    private static boolean hasTable(Statement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'acked'")) {
            return rs.next() && rs.getInt(1) == 1;
        }
    }

    private boolean pick(double probability) {
        return random.nextDouble() < probability;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long remaining = nanos - System.nanoTime();
        if (remaining > 0) {
            TimeUnit.NANOSECONDS.sleep(remaining);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
