package io.github.durablesqlite.cli;

import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replication.ReplicationMetrics;
import io.github.durablesqlite.replication.ReplicationOptions;
import io.github.durablesqlite.replication.Replicator;
import io.github.durablesqlite.replication.Restorer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "replicate", description = "Continuously replicate a database written by any process.")
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

    @Option(names = "--sync-interval", paramLabel = "DURATION", defaultValue = "1s",
            description = "How often the WAL is checked (default 1s).")
    String syncInterval;

    @Parameters(index = "0", paramLabel = "DB_PATH")
    Path db;

    @Parameters(index = "1", paramLabel = "REPLICA_URL")
    String replicaUrl;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Duration interval = GoDuration.parse(syncInterval);
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("--sync-interval must be positive, was " + syncInterval);
        }
        Path path = db.toAbsolutePath();
        ReplicationOptions options = ReplicationOptions.defaults(path.getFileName().toString())
                .withSyncInterval(interval);
        try (ReplicaClient client = ReplicaOption.open(replicaUrl, main.env)) {
            if (!Files.exists(path) && restoreIfDbNotExists) {
                Restorer restorer = new Restorer(client, ReplicationMetrics.NONE);
                if (restorer.replicaExists()) {
                    Restorer.Result result = restorer.restore(path, null, null, options.resolveStateDirFor(path), null);
                    out.printf("restored %s to TXID %s from %s%n", path, Txids.format(result.txid()), client.describe());
                } else {
                    out.printf("no replica at %s yet, nothing to restore%n", client.describe());
                }
            }
            ChildProcess child = exec == null ? null : ChildProcess.start(exec);
            CountDownLatch stop = new CountDownLatch(1);
            Signals.onTermination(signal -> {
                if (child != null) {
                    child.forward(signal);
                } else {
                    stop.countDown();
                }
            });
            if (!awaitDatabase(path, interval, child, stop)) {
                return child != null ? child.exitCode() : 0;
            }
            Replicator replicator = new Replicator(path, client, options);
            replicator.start();
            out.printf("replicating %s to %s%n", path, client.describe());
            out.flush();
            int exitCode = 0;
            try {
                if (child != null) {
                    exitCode = child.waitFor();
                } else {
                    stop.await();
                }
            } finally {
                replicator.close();
            }
            return exitCode;
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
