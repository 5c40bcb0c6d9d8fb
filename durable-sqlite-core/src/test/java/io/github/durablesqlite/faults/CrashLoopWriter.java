package io.github.durablesqlite.faults;

import io.github.durablesqlite.Durability;
import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.DurableSqlite;
import io.github.durablesqlite.NotReplicatedException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of {@link CrashLoopTest}: writes through a {@link DurableDataSource} until it is
 * killed. Kept to the public API and plain {@code main} so it starts in well under a second.
 *
 * <p>Each transaction inserts one row with an id the parent chose the range of (so ids never repeat
 * across restarts, even after an async loss) and rewrites a row of a small churn table (so pages are
 * overwritten, the WAL grows and checkpoints have work). Right after {@code commit()} returns it
 * prints {@code ack <id> <epoch millis> ok} and flushes: a line the parent reads is a commit the
 * application was told is done. Log output goes to stderr; stdout carries only these lines and
 * {@code ready}.
 *
 * <p>Arguments, {@code key=value}: {@code db}, {@code replica}, {@code state}, {@code mode}
 * (SYNC|ASYNC), {@code base} (first id), {@code threads}, {@code checkpointPages}, {@code history}
 * (short|default). Replica credentials come from the environment.
 */
public final class CrashLoopWriter {
    private static final Object OUT_LOCK = new Object();
    private static PrintStream out;

    private CrashLoopWriter() {}

    public static void main(String[] args) throws Exception {
        out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        Thread orphanGuard = new Thread(CrashLoopWriter::haltWhenParentDies, "orphan-guard");
        orphanGuard.setDaemon(true);
        orphanGuard.start();
        Map<String, String> arguments = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            arguments.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Durability mode = Durability.valueOf(arguments.get("mode"));
        int threads = Integer.parseInt(arguments.get("threads"));
        DurableSqlite.Builder builder = DurableSqlite.configure()
                .path(Path.of(arguments.get("db")))
                .replicaUrl(arguments.get("replica"))
                .stateDir(Path.of(arguments.get("state")))
                .name("crashloop")
                .durability(mode)
                .checkpointPages(Integer.parseInt(arguments.get("checkpointPages")))
                .maximumPoolSize(threads + 1)
                // A killed writer never releases the replica's lease; its successor on this host waits for
                // it to expire. A short lease keeps that wait within a cycle and takes it over under kills.
                .leaseTtl(Duration.ofSeconds(2));
        if ("short".equals(arguments.get("history"))) {
            // Compaction every second, a snapshot every few, retention that deletes: a kill often
            // lands in the middle of one of them.
            builder.compactionIntervals(Duration.ofSeconds(1), Duration.ofSeconds(2))
                    .snapshotInterval(Duration.ofSeconds(3))
                    .retention(Duration.ofSeconds(10))
                    .l0Retention(Duration.ZERO);
        }
        DurableDataSource dataSource = builder.build();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS acked(id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
            statement.execute("CREATE TABLE IF NOT EXISTS churn(k INTEGER PRIMARY KEY, v BLOB NOT NULL)");
        }
        emit("ready");
        AtomicLong ids = new AtomicLong(Long.parseLong(arguments.get("base")));
        for (int i = 0; i < threads; i++) {
            Thread writer = new Thread(() -> write(dataSource, ids, mode), "writer-" + i);
            writer.start();
        }
    }

    private static void write(DurableDataSource dataSource, AtomicLong ids, Durability mode) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            long id = ids.getAndIncrement();
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO acked(id, payload) VALUES (?, randomblob(?))");
                     PreparedStatement churn = connection.prepareStatement(
                             "INSERT INTO churn(k, v) VALUES (?, randomblob(?))"
                                     + " ON CONFLICT(k) DO UPDATE SET v = excluded.v")) {
                    insert.setLong(1, id);
                    insert.setInt(2, random.nextInt(16, 200));
                    insert.executeUpdate();
                    churn.setInt(1, random.nextInt(400));
                    churn.setInt(2, random.nextInt(100, 1500));
                    churn.executeUpdate();
                }
                connection.commit();
                emit("ack " + id + " " + System.currentTimeMillis() + " ok");
            } catch (NotReplicatedException e) {
                // Not acknowledged: the parent never hears of this id, whatever became of it.
                System.err.println("not acknowledged " + id + ": " + e.getMessage());
            } catch (SQLException e) {
                System.err.println("failed " + id + ": " + e);
                pause(10);
            }
            if (mode == Durability.ASYNC) {
                pause(2); // keeps the database small enough for hundreds of cycles
            }
        }
    }

    /** The parent holds our stdin open; end of input means it died, and nobody would ever kill us. */
    private static void haltWhenParentDies() {
        try {
            while (System.in.read() != -1) {
                // the parent never writes; only the end matters
            }
        } catch (java.io.IOException e) {
            // same as the end of input
        }
        Runtime.getRuntime().halt(3);
    }

    private static void emit(String line) {
        synchronized (OUT_LOCK) {
            out.print(line + "\n");
            out.flush();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
