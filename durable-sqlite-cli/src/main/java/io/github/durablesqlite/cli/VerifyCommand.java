package io.github.durablesqlite.cli;

import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replication.ReplicaChecker;
import io.github.durablesqlite.replication.ReplicationMetrics;
import io.github.durablesqlite.replication.Restorer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "verify", description = "Restore a replica into a temporary file and check it: SQLite's integrity "
        + "check on the result, and the checksum of every file at every level. Exits non-zero on any failure.")
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Option(names = "--txid", paramLabel = "TXID", description = "Restore this TXID (16 hex digits) instead of the newest.")
    String txid;

    @Option(names = "--timestamp", paramLabel = "RFC3339", description = "Restore the newest state at or before this time.")
    String timestamp;

    @Option(names = "--json", description = "Print the outcome as one JSON object.")
    boolean json;

    @Parameters(index = "0", paramLabel = "REPLICA_URL")
    String replicaUrl;

    /** What the verification found, printed as text or JSON. */
    private record Outcome(String replica, Restorer.Result restored, ReplicaChecker.Result checked, long millis,
                           List<String> problems) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (txid != null && timestamp != null) {
            throw new IllegalArgumentException("--txid and --timestamp exclude each other: give one of them");
        }
        Long targetTxid = txid == null ? null : Txids.parse(txid);
        Instant at = timestamp == null ? null : RestoreCommand.parseTimestamp(timestamp);
        long started = System.nanoTime();
        Path scratch = Files.createTempDirectory("durable-sqlite-verify-");
        Outcome outcome;
        try (ReplicaClient client = ReplicaOption.open(replicaUrl, main.env)) {
            List<String> problems = new ArrayList<>();
            Restorer.Result restored = null;
            try {
                restored = new Restorer(client, ReplicationMetrics.NONE)
                        .restore(scratch.resolve("verify.db"), targetTxid, at, null, null);
            } catch (RuntimeException | IOException e) {
                problems.add(Main.oneLine(e));
            }
            ReplicaChecker.Result checked = ReplicaChecker.checkAll(client);
            for (String problem : checked.problems()) {
                if (problems.stream().noneMatch(p -> p.contains(problem))) {
                    problems.add(problem);
                }
            }
            outcome = new Outcome(client.describe(), restored, checked, (System.nanoTime() - started) / 1_000_000,
                    problems);
        } finally {
            deleteRecursively(scratch);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(outcome));
        } else if (outcome.ok()) {
            Restorer.Result r = outcome.restored();
            out.printf("ok: %s at TXID %s (state of %s): %d bytes, integrity ok; %d files checked (%d restored) in %d ms%n",
                    outcome.replica(), Txids.format(r.txid()), r.timestamp(), r.size(), outcome.checked().files(),
                    r.files(), outcome.millis());
        }
        out.flush();
        if (!outcome.ok()) {
            throw new VerificationFailed("verify failed for " + outcome.replica() + ": "
                    + String.join("; ", outcome.problems()));
        }
        return 0;
    }

    private static String toJson(Outcome o) {
        StringBuilder json = new StringBuilder("{");
        json.append("\"ok\": ").append(o.ok());
        json.append(", \"replica\": ").append(quote(o.replica()));
        Restorer.Result r = o.restored();
        if (r != null) {
            json.append(", \"txid\": ").append(quote(Txids.format(r.txid())));
            json.append(", \"timestamp\": ").append(quote(r.timestamp().toString()));
            json.append(", \"size\": ").append(r.size());
            json.append(", \"restoredFiles\": ").append(r.files());
        }
        json.append(", \"files\": ").append(o.checked().files());
        json.append(", \"durationMs\": ").append(o.millis());
        json.append(", \"problems\": [");
        for (int i = 0; i < o.problems().size(); i++) {
            json.append(i > 0 ? ", " : "").append(quote(o.problems().get(i)));
        }
        return json.append("]}").toString();
    }

    static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** A replica that failed verification: the message names every bad file. */
    static final class VerificationFailed extends RuntimeException {
        VerificationFailed(String message) {
            super(message);
        }
    }
}
