package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many callers waiting for durability at once: they share files (group commit), each is released
 * only with a TXID the replica holds, and the chain the uploader builds from the files handed to it
 * stays intact: level-0 files reach the store one at a time, in TXID order with no gap, a TXID is
 * never written with two different contents, and the replica restores to every acknowledged commit.
 */
class GroupCommitChainTest {
    @TempDir
    Path dir;

    /** One level-0 write as the store saw it. */
    private record Write(long minTxid, long maxTxid, byte[] content) {}

    /** Records level-0 writes and the most that were ever under way at once; passes everything on. */
    private static final class RecordingClient extends ForwardingReplicaClient {
        final List<Write> writes = new ArrayList<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        RecordingClient(ReplicaClient delegate) {
            super(delegate);
        }

        long maxTxidWritten() {
            synchronized (writes) {
                return writes.stream().mapToLong(Write::maxTxid).max().orElse(0);
            }
        }

        private LtxFileInfo record(int level, long minTxid, long maxTxid, byte[] content, IoCall call)
                throws IOException {
            if (level != 0) {
                return call.run();
            }
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                sleepAWhile(); // widen the window in which a second upload could overlap
                LtxFileInfo written = call.run();
                synchronized (writes) {
                    writes.add(new Write(minTxid, maxTxid, content));
                }
                return written;
            } finally {
                inFlight.decrementAndGet();
            }
        }

        private static void sleepAWhile() throws IOException {
            try {
                Thread.sleep(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        @Override
        public LtxFileInfo writeFile(int level, long minTxid, long maxTxid, Path source, Instant timestamp)
                throws IOException {
            byte[] content = Files.readAllBytes(source);
            return record(level, minTxid, maxTxid, content,
                    () -> delegate.writeFile(level, minTxid, maxTxid, source, timestamp));
        }
    }

    private interface IoCall {
        LtxFileInfo run() throws IOException;
    }

    @Test
    void concurrentWaitersShareFilesAndKeepTheChainInOrder() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        String url = s3.replicaUrl(s3.newBucket(), "order");
        Path db = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
        }
        int writers = 8;
        int commitsEach = 40;
        RecordingClient client = new RecordingClient(ReplicaClients.open(ReplicaUrl.parse(url), s3.env()));
        Replicator replicator = new Replicator(db, client, ReplicationOptions.defaults("order")
                .withSyncInterval(Duration.ofSeconds(1)).withCloseTimeout(Duration.ofSeconds(5)));
        replicator.start();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                         PreparedStatement insert = c.prepareStatement("INSERT INTO t(v) VALUES ('x')")) {
                        try (Statement s = c.createStatement()) {
                            s.execute("PRAGMA busy_timeout=10000");
                        }
                        for (int i = 0; i < commitsEach; i++) {
                            insert.executeUpdate();
                            replicator.signal();
                            long txid = replicator.awaitReplicated(Duration.ofSeconds(30));
                            assertThat(txid).isPositive();
                            assertThat(client.maxTxidWritten()).as("TXID returned to a waiter").isGreaterThanOrEqualTo(txid);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            replicator.close();
        }

        List<Write> writes;
        synchronized (client.writes) {
            writes = new ArrayList<>(client.writes);
        }
        assertThat(client.maxInFlight.get()).as("level-0 uploads under way at once").isEqualTo(1);
        assertThat(writes.size()).as("level-0 files for %d commits", writers * commitsEach)
                .isLessThan(writers * commitsEach);
        long last = writes.get(0).maxTxid();
        for (int i = 1; i < writes.size(); i++) {
            Write write = writes.get(i);
            if (write.minTxid() <= last) {
                // Only a retry may write a TXID again, and only with the same bytes.
                Write earlier = writes.stream().filter(w -> w.minTxid() == write.minTxid()).findFirst().orElseThrow();
                assertThat(Arrays.equals(earlier.content(), write.content())).as("TXID %d rewritten with other bytes",
                        write.minTxid()).isTrue();
                continue;
            }
            assertThat(write.minTxid()).as("file after TXID %d", last).isEqualTo(last + 1);
            last = write.maxTxid();
        }

        Path restored = dir.resolve("restored.db");
        try (ReplicaClient reader = ReplicaClients.open(ReplicaUrl.parse(url), s3.env())) {
            new Restorer(reader, ReplicationMetrics.NONE).restore(restored, null, null, null, null);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo((long) writers * commitsEach);
        }
    }
}
