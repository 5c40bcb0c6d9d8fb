package io.github.durablesqlite.cli;

import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replication.ReplicationMetrics;
import io.github.durablesqlite.replication.Restorer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "restore", description = "Restore a database from a replica into a new file (verified before it appears).")
final class RestoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTPUT", description = "Database file to create.")
    Path output;

    @Option(names = "--txid", paramLabel = "TXID", description = "Restore to this TXID (16 hex digits).")
    String txid;

    @Option(names = "--timestamp", paramLabel = "RFC3339", description = "Restore the newest state at or before this time.")
    String timestamp;

    @Option(names = "--if-db-not-exists", description = "Do nothing (exit 0) if OUTPUT already exists.")
    boolean ifDbNotExists;

    @Option(names = "--if-replica-exists", description = "Do nothing (exit 0) if the replica holds no data.")
    boolean ifReplicaExists;

    @Parameters(index = "0", paramLabel = "REPLICA_URL", description = "s3://BUCKET/PREFIX?endpoint=...&region=... or file:///dir")
    String replicaUrl;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (txid != null && timestamp != null) {
            throw new IllegalArgumentException("--txid and --timestamp exclude each other: give one of them");
        }
        Long targetTxid = txid == null ? null : Txids.parse(txid);
        Instant at = timestamp == null ? null : parseTimestamp(timestamp);
        if (Files.exists(output)) {
            if (ifDbNotExists) {
                out.println("database " + output + " already exists, skipping restore");
                return 0;
            }
            throw new IllegalArgumentException("output " + output + " already exists: a restore never overwrites "
                    + "a database; move it away, choose another -o, or pass --if-db-not-exists");
        }
        try (ReplicaClient client = ReplicaOption.open(replicaUrl, main.env)) {
            Restorer restorer = new Restorer(client, ReplicationMetrics.NONE);
            if (ifReplicaExists && !restorer.replicaExists()) {
                out.println("no replica at " + client.describe() + ", skipping restore");
                return 0;
            }
            Progress progress = Progress.forTerminal(err);
            Restorer.Result result = restorer.restore(output, targetTxid, at, null, progress);
            progress.done();
            out.printf("restored %s to TXID %s: %d bytes from %d files in %d ms (%d ms of it fsync and integrity "
                    + "check)%n", output, Txids.format(result.txid()), result.size(), result.files(),
                    result.nanos() / 1_000_000, result.verifyNanos() / 1_000_000);
            return 0;
        }
    }

    static Instant parseTimestamp(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("invalid --timestamp '" + text
                    + "': write it in RFC 3339, e.g. 2026-01-31T12:00:00Z");
        }
    }
}
