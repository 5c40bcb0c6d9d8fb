package io.github.durablesqlite.cli;

import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.replication.HistoryOptions;
import io.github.durablesqlite.replication.LeaseOptions;
import io.github.durablesqlite.replication.ReplicationMetrics;
import io.github.durablesqlite.replication.ReplicationOptions;
import io.github.durablesqlite.replication.Replicator;
import io.github.durablesqlite.replication.Restorer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "replicate", description = "Continuously replicate a database written by any process "
        + "(DB_PATH REPLICA_URL), or the databases of a Litestream configuration file (--config).")
final class ReplicateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Option(names = "--exec", paramLabel = "CMD",
            description = "Run CMD as a child process; forward SIGTERM/SIGINT to it; stop after a final sync when it exits.")
    String exec;

    @Option(names = "--restore-if-db-not-exists", description = "Restore the database from the replica first if it is missing.")
    boolean restoreIfDbNotExists;

    @Option(names = "--sync-interval", paramLabel = "DURATION",
            description = "How often the WAL is checked (default 1s).")
    String syncInterval;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A Litestream configuration file (dbs, levels, snapshot, l0-retention; see docs/operations.md).")
    Path config;

    @Option(names = "--no-expand-env", description = "Do not expand $VARIABLES in the configuration file.")
    boolean noExpandEnv;

    @Option(names = "--compaction-intervals", paramLabel = "DURATIONS", split = ",",
            description = "Intervals of compaction levels 1, 2, ... (default 30s,5m,1h).")
    List<String> compactionIntervals;

    @Option(names = "--snapshot-interval", paramLabel = "DURATION", description = "How often a full snapshot is written (default 24h).")
    String snapshotInterval;

    @Option(names = "--retention", paramLabel = "DURATION", description = "How far back restores stay possible (default 24h).")
    String retention;

    @Option(names = "--l0-retention", paramLabel = "DURATION",
            description = "How long per-sync files stay after level 1 covers them (default 5m).")
    String l0Retention;

    @Option(names = "--verify-interval", paramLabel = "DURATION", description = "Run a restore drill this often (default: never).")
    String verifyInterval;

    @Option(names = "--no-lease", description = "Do not take the replica's lease: another instance may then "
            + "replicate to the same replica at the same time (see docs/reliability.md).")
    boolean noLease;

    @Option(names = "--lease-ttl", paramLabel = "DURATION",
            description = "How long the replica's lease lasts without renewal; it is renewed every third of it (default 30s).")
    String leaseTtl;

    @Parameters(index = "0", paramLabel = "DB_PATH", arity = "0..1")
    Path db;

    @Parameters(index = "1", paramLabel = "REPLICA_URL", arity = "0..1")
    String replicaUrl;

    /** One database to replicate, with its own replica client. */
    private record Target(Path path, String url, Map<String, String> env, ReplicationOptions options,
                          boolean restoreIfMissing) {}

    @Override
    public Integer call() throws Exception {
        LitestreamConfig file = null;
        if (config != null) {
            if (db != null || replicaUrl != null) {
                throw new IllegalArgumentException("give either --config FILE or DB_PATH REPLICA_URL, not both");
            }
            file = LitestreamConfig.load(config, main.env, !noExpandEnv);
        }
        // --exec on the command line wins over the file's exec, as every flag given wins over the file.
        String command = exec != null || file == null ? exec : file.exec;
        return run(targets(file), command);
    }

    private List<Target> targets(LitestreamConfig file) {
        if (file != null) {
            HistoryOptions history = historyFlags(file.history);
            List<Target> targets = new ArrayList<>();
            for (LitestreamConfig.Db entry : file.dbs) {
                ReplicationOptions options = ReplicationOptions.defaults(entry.path().getFileName().toString())
                        .withSyncInterval(entry.syncInterval() != null ? entry.syncInterval() : interval())
                        .withHistory(history);
                if (entry.busyTimeout() != null || entry.checkpointPages() != null) {
                    options = new ReplicationOptions(options.name(), options.syncInterval(), options.pageEncoding(),
                            entry.checkpointPages() != null ? entry.checkpointPages() : options.checkpointPages(),
                            entry.busyTimeout() != null ? entry.busyTimeout() : options.busyTimeout(),
                            options.closeTimeout(), null, false, options.clock(), options.metrics(), history);
                }
                Map<String, String> env = new HashMap<>(main.env);
                env.putAll(entry.env());
                targets.add(new Target(entry.path(), entry.replicaUrl(), env, options,
                        entry.restoreIfDbNotExists() || restoreIfDbNotExists));
            }
            return targets;
        }
        if (db == null || replicaUrl == null) {
            throw new IllegalArgumentException("give DB_PATH and REPLICA_URL, or --config FILE");
        }
        Path path = db.toAbsolutePath();
        ReplicationOptions options = ReplicationOptions.defaults(path.getFileName().toString())
                .withSyncInterval(interval()).withHistory(historyFlags(HistoryOptions.defaults()));
        return List.of(new Target(path, replicaUrl, main.env, options, restoreIfDbNotExists));
    }

    private LeaseOptions lease() {
        Duration ttl = leaseTtl == null ? LeaseOptions.DEFAULT_TTL : positive(leaseTtl, "--lease-ttl");
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--lease-ttl must be at least 1s, was " + leaseTtl);
        }
        return new LeaseOptions(!noLease, ttl);
    }

    private Duration interval() {
        return positive(syncInterval == null ? "1s" : syncInterval, "--sync-interval");
    }

    /** The history options with every flag given on the command line applied over {@code base}. */
    private HistoryOptions historyFlags(HistoryOptions base) {
        HistoryOptions history = base;
        if (compactionIntervals != null) {
            List<Duration> intervals = new ArrayList<>();
            for (String text : compactionIntervals) {
                if (!text.isBlank()) {
                    intervals.add(positive(text, "--compaction-intervals"));
                }
            }
            history = history.withLevelIntervals(intervals);
        }
        if (snapshotInterval != null) {
            history = history.withSnapshotInterval(positive(snapshotInterval, "--snapshot-interval"));
        }
        if (retention != null) {
            history = history.withRetention(positive(retention, "--retention"));
        }
        if (l0Retention != null) {
            Duration value = GoDuration.parse(l0Retention);
            if (value.isNegative()) {
                throw new IllegalArgumentException("--l0-retention must not be negative, was " + l0Retention);
            }
            history = history.withL0Retention(value);
        }
        if (verifyInterval != null) {
            history = history.withVerifyInterval(positive(verifyInterval, "--verify-interval"));
        }
        return history;
    }

    private static Duration positive(String text, String option) {
        Duration value;
        try {
            value = GoDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(option + " must be positive, was " + text);
        }
        return value;
    }

    private int run(List<Target> targets, String command) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<ReplicaClient> clients = new ArrayList<>();
        List<Replicator> replicators = new ArrayList<>();
        List<WalWatcher> watchers = new ArrayList<>();
        LeaseOptions lease = lease();
        try {
            for (Target target : targets) {
                ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(target.url()), target.env());
                clients.add(client);
                Replicator replicator = new Replicator(target.path(), client, target.options(), lease);
                replicators.add(replicator);
                try {
                    replicator.acquireLease(); // refuses here, before any restore or child, if another instance holds it
                } catch (IOException unreadable) {
                    // A restore says why if it needs the store; otherwise replication joins once it can read it.
                }
                if (!Files.exists(target.path()) && target.restoreIfMissing()) {
                    restore(target, client, out);
                }
            }
            ChildProcess child = command == null ? null : ChildProcess.start(command);
            CountDownLatch stop = new CountDownLatch(1);
            Signals.onTermination(signal -> {
                if (child != null) {
                    child.forward(signal);
                } else {
                    stop.countDown();
                }
            });
            for (int i = 0; i < targets.size(); i++) {
                Target target = targets.get(i);
                if (!awaitDatabase(target.path(), target.options().syncInterval(), child, stop)) {
                    return child != null ? child.exitCode() : 0;
                }
                Replicator replicator = replicators.get(i);
                replicator.start();
                watchers.add(new WalWatcher(target.path(), replicator).start());
                out.printf("replicating %s to %s%n", target.path(), clients.get(i).describe());
                out.flush();
            }
            if (child != null) {
                return child.waitFor();
            }
            stop.await();
            return 0;
        } finally {
            watchers.forEach(WalWatcher::close);
            for (Replicator replicator : replicators) {
                replicator.close();
            }
            for (ReplicaClient client : clients) {
                client.close();
            }
        }
    }

    private static void restore(Target target, ReplicaClient client, PrintWriter out) throws IOException {
        Path path = target.path();
        Restorer restorer = new Restorer(client, ReplicationMetrics.NONE);
        if (restorer.replicaExists()) {
            Restorer.Result result = restorer.restore(path, null, null, target.options().resolveStateDirFor(path), null);
            out.printf("restored %s to TXID %s from %s%n", path, Txids.format(result.txid()), client.describe());
        } else {
            out.printf("no replica at %s yet, nothing to restore%n", client.describe());
        }
    }

    /** Without --exec the database must exist; with it, the child may create it first. */
    private boolean awaitDatabase(Path path, Duration interval, ChildProcess child, CountDownLatch stop)
            throws InterruptedException {
        if (Files.exists(path)) {
            return true;
        }
        if (child == null) {
            throw new IllegalArgumentException("database " + path + " does not exist: create it first, or pass "
                    + "--restore-if-db-not-exists to restore it from the replica");
        }
        while (!Files.exists(path)) {
            if (!child.isAlive() || stop.getCount() == 0) {
                return false;
            }
            Thread.sleep(Math.min(interval.toMillis(), 200));
        }
        return true;
    }
}
