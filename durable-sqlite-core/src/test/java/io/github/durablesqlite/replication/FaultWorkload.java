package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.DatabaseDump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * An application that keeps writing while a fault is injected: one thread inserting one row per
 * auto-commit statement into {@code rows(id INTEGER PRIMARY KEY, payload TEXT)}, a short pause
 * between commits. It records which ids were acknowledged, which commits failed and how, and the
 * slowest commit, so a test can check that nothing acknowledged is missing after a restore.
 */
final class FaultWorkload implements AutoCloseable {

    /** A commit that threw: the row's id, the exception and how long the commit took. */
    record Failure(long id, SQLException error, long millis) {
    }

    /** The fastest and the slowest commit (successful or not) in a span of the workload. */
    record CommitTimes(long fastestMillis, long slowestMillis) {
    }

    private final DataSource dataSource;
    private final long pauseMillis;
    private final Thread thread;
    private final List<Long> acknowledged = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private volatile boolean stopped;
    private long fastestCommitNanos = Long.MAX_VALUE;
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
            failures.add(new Failure(id, error, TimeUnit.NANOSECONDS.toMillis(nanos)));
        }
        fastestCommitNanos = Math.min(fastestCommitNanos, nanos);
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

    /** The fastest and slowest commit since the last call, then starts over. */
    synchronized CommitTimes takeCommitTimes() {
        CommitTimes times = new CommitTimes(fastestCommitNanos == Long.MAX_VALUE ? -1
                : TimeUnit.NANOSECONDS.toMillis(fastestCommitNanos), TimeUnit.NANOSECONDS.toMillis(slowestCommitNanos));
        fastestCommitNanos = Long.MAX_VALUE;
        slowestCommitNanos = 0;
        return times;
    }

    /**
     * Restores the replica at {@code url} (read straight from the store) into a new file and checks it
     * against the source: integrity ok, the same dump, every id of {@code mustHave} present.
     *
     * @return how many ids of {@code mustHave} are missing (0, or the assertion fails first)
     */
    static long assertRestoreHolds(String url, Map<String, String> env, String expectedDump, Collection<Long> mustHave)
            throws Exception {
        Path restored = Files.createTempDirectory("fault-restore").resolve("restored.db");
        try (ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(url), env)) {
            new Restorer(client, ReplicationMetrics.NONE).restore(restored, null, null, null, null);
        }
        assertThat(DatabaseDump.integrityCheck(restored)).isEqualTo("ok");
        Set<Long> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM rows")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        long lost = mustHave.stream().filter(id -> !ids.contains(id)).count();
        assertThat(ids).containsAll(mustHave);
        assertThat(DatabaseDump.of(restored)).isEqualTo(expectedDump);
        return lost;
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
