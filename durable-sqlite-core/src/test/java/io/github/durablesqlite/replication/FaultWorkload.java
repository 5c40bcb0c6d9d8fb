package io.github.durablesqlite.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * An application that keeps writing while a fault is injected: one thread inserting one row per
 * auto-commit statement into {@code rows(id INTEGER PRIMARY KEY, payload TEXT)}, a short pause
 * between commits. It records which ids were acknowledged, which commits failed and how, and the
 * slowest commit, so a test can check that nothing acknowledged is missing after a restore.
 */
final class FaultWorkload implements AutoCloseable {

    /** A commit that threw: the row's id and the exception. */
    record Failure(long id, SQLException error) {
    }

    private final DataSource dataSource;
    private final long pauseMillis;
    private final Thread thread;
    private final List<Long> acknowledged = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private volatile boolean stopped;
    private long slowestCommitNanos;
    private Throwable crash;

    private FaultWorkload(DataSource dataSource, long firstId, long pauseMillis) {
        this.dataSource = dataSource;
        this.pauseMillis = pauseMillis;
        this.thread = new Thread(() -> run(firstId), "fault-workload");
    }

    /** Creates the table if needed and starts writing ids from {@code firstId} on. */
    static FaultWorkload start(DataSource dataSource, long firstId, long pauseMillis) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.createStatement().execute("CREATE TABLE IF NOT EXISTS rows(id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
        }
        FaultWorkload workload = new FaultWorkload(dataSource, firstId, pauseMillis);
        workload.thread.start();
        return workload;
    }

    private void run(long firstId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO rows(id, payload) VALUES (?, ?)")) {
            for (long id = firstId; !stopped; id++) {
                insert.setLong(1, id);
                insert.setString(2, payload(id));
                long start = System.nanoTime();
                try {
                    insert.executeUpdate();
                    record(id, null, System.nanoTime() - start);
                } catch (SQLException e) {
                    record(id, e, System.nanoTime() - start);
                }
                TimeUnit.MILLISECONDS.sleep(pauseMillis);
            }
        } catch (SQLException | RuntimeException e) {
            synchronized (this) {
                crash = e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Some kilobyte of text that compresses poorly, so uploads carry real bodies. */
    static String payload(long id) {
        StringBuilder text = new StringBuilder(1024);
        long x = id * 0x9E3779B97F4A7C15L;
        while (text.length() < 1000) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            text.append(Long.toString(x, 36));
        }
        return text.toString();
    }

    private synchronized void record(long id, SQLException error, long nanos) {
        if (error == null) {
            acknowledged.add(id);
        } else {
            failures.add(new Failure(id, error));
        }
        slowestCommitNanos = Math.max(slowestCommitNanos, nanos);
    }

    synchronized int acknowledgedCount() {
        return acknowledged.size();
    }

    synchronized List<Long> acknowledged() {
        return new ArrayList<>(acknowledged);
    }

    synchronized List<Failure> failures() {
        return new ArrayList<>(failures);
    }

    /** The slowest commit since the last call, then starts over. */
    synchronized long takeSlowestCommitMillis() {
        long millis = TimeUnit.NANOSECONDS.toMillis(slowestCommitNanos);
        slowestCommitNanos = 0;
        return millis;
    }

    /** Stops writing and waits for the thread; rethrows anything that ended it early. */
    @Override
    public void close() throws Exception {
        stopped = true;
        thread.join(TimeUnit.MINUTES.toMillis(2));
        if (thread.isAlive()) {
            throw new IllegalStateException("the workload did not stop within two minutes: a commit hangs");
        }
        synchronized (this) {
            if (crash != null) {
                throw new IllegalStateException("the workload stopped early", crash);
            }
        }
    }
}
