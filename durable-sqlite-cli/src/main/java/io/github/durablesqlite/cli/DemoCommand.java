package io.github.durablesqlite.cli;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.ReplicationStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", description = "Write to a database through the durable DataSource and watch it replicate (Ctrl-C stops).")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--db", defaultValue = "demo.db", description = "Database file (default demo.db).")
    Path db;

    @Option(names = "--replica", description = "Replica URL (default: file:// directory demo-replica beside the database).")
    String replica;

    @Option(names = "--count", defaultValue = "0", description = "Stop after this many rows (default 0: until Ctrl-C).")
    int count;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path path = db.toAbsolutePath();
        String url = replica != null ? replica : path.resolveSibling("demo-replica").toUri().toString();
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(signal -> stop.countDown());
        out.printf("database %s, replica %s (a local directory is not off-machine durability)%n", path, url);
        try (DurableDataSource ds = DurableSqlite.configure().path(path).replicaUrl(url).build();
             Connection c = ds.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS visits(id INTEGER PRIMARY KEY, at TEXT NOT NULL)");
            }
            for (int i = 1; count == 0 || i <= count; i++) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO visits(at) VALUES (?)")) {
                    insert.setString(1, Instant.now().toString());
                    insert.executeUpdate();
                }
                long rows;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM visits")) {
                    rs.next();
                    rows = rs.getLong(1);
                }
                if (stop.await(1, TimeUnit.SECONDS)) {
                    break;
                }
                ReplicationStatus status = ds.status();
                out.printf("rows %d  local TXID %s  replica TXID %s  last upload %s%n", rows,
                        Txids.format(status.localTxid()), Txids.format(status.remoteTxid()), status.lastUploadAt());
                out.flush();
            }
            ds.replicateNow(Duration.ofSeconds(10));
        }
        out.printf("stopped. Restore it anywhere with:%n  java -jar durable-sqlite-cli/target/durable-sqlite.jar restore -o restored.db %s%n", url);
        return 0;
    }
}
