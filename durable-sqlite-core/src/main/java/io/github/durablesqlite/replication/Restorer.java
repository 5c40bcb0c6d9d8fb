package io.github.durablesqlite.replication;

import io.github.durablesqlite.RestoreException;
import io.github.durablesqlite.ltx.LtxDecoder;
import io.github.durablesqlite.ltx.LtxHeader;
import io.github.durablesqlite.ltx.LtxMerger;
import io.github.durablesqlite.ltx.PageSink;
import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a database from a replica: plans a contiguous chain of files, merges their pages into a
 * temporary file next to the output (verifying every file's checksum on the way), runs SQLite's
 * integrity check, and only then renames the file into place. A failed restore leaves nothing.
 */
public final class Restorer {
    private static final Logger log = LoggerFactory.getLogger(Restorer.class);
    /** Files merged at once; bounds open streams (connections) during a restore of a long chain. */
    private static final int MERGE_FANOUT = 16;

    /** What a restore produced. */
    public record Result(long txid, int pageSize, long size, int files, long downloadedBytes, long nanos) {}

    private final ReplicaClient client;
    private final ReplicationMetrics metrics;

    public Restorer(ReplicaClient client, ReplicationMetrics metrics) {
        this.client = client;
        this.metrics = metrics;
    }

    /** True when the replica holds at least one file. */
    public boolean replicaExists() throws IOException {
        return ReplicaInspector.maxTxid(client) > 0;
    }

    /** The TXID a restore would reach: {@code txid} if given, else the newest at or before {@code timestamp}, else the newest. */
    public long resolveTarget(List<LtxFileInfo> files, Long txid, Instant timestamp) {
        if (txid != null) {
            return txid;
        }
        if (timestamp != null) {
            long at = RestorePlanner.txidAt(files, timestamp);
            if (at == 0) {
                throw new RestoreException("replica " + client.describe() + " has no data at or before " + timestamp
                        + ": its oldest file is newer; choose a later timestamp");
            }
            return at;
        }
        return RestorePlanner.maxTxid(files);
    }

    /**
     * Restores to {@code output}, which must not exist.
     *
     * @param txid        exact TXID to restore, or null
     * @param timestamp   restore the newest state at or before this time, or null
     * @param stateDir    where to record that the file matches the replica (so replication continues
     *                    at the next TXID without a full upload); null to record nothing
     * @param progress    receives the number of bytes downloaded so far (total: sum of planned file sizes)
     */
    public Result restore(Path output, Long txid, Instant timestamp, Path stateDir, LongConsumer progress)
            throws IOException {
        long started = System.nanoTime();
        Path target = output.toAbsolutePath();
        if (Files.exists(target)) {
            throw new RestoreException("output " + target + " already exists: a restore never overwrites a database; "
                    + "move it away or choose another output path");
        }
        List<LtxFileInfo> files = ReplicaInspector.allFiles(client, timestamp != null);
        if (files.isEmpty()) {
            throw new RestoreException("no replica found at " + client.describe()
                    + ": it holds no LTX files; check the replica URL");
        }
        long targetTxid = resolveTarget(files, txid, timestamp);
        List<LtxFileInfo> plan = RestorePlanner.plan(files, targetTxid, client.describe());
        log.info("restoring {} to TXID {} from {} files", target, String.format("%016x", targetTxid), plan.size());

        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".restoring");
        try {
            Counting counter = new Counting(progress);
            LtxHeader last = writePages(tmp, plan, counter);
            verifyIntegrity(tmp);
            long size = Files.size(tmp);
            long checksum = stateDir == null ? 0 : checksumOf(tmp);
            removeStaleSidecars(target);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                throw new RestoreException("output " + target + " appeared during the restore; it was left untouched");
            }
            Staging.fsyncDirectory(target.getParent());
            if (stateDir != null) {
                new ShutdownState(targetTxid, size, checksum).write(stateDir);
            }
            long nanos = System.nanoTime() - started;
            metrics.restored(targetTxid, size, nanos);
            return new Result(targetTxid, last.pageSize(), size, plan.size(), counter.total, nanos);
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(Path.of(tmp + "-wal"));
            Files.deleteIfExists(Path.of(tmp + "-shm"));
        }
    }

    private LtxHeader writePages(Path tmp, List<LtxFileInfo> plan, Counting counter) throws IOException {
        LtxHeader last = null;
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            for (int from = 0; from < plan.size(); from += MERGE_FANOUT) {
                List<LtxFileInfo> batch = plan.subList(from, Math.min(plan.size(), from + MERGE_FANOUT));
                last = mergeBatch(batch, out, counter, from == 0);
                // A shrinking transaction freed the pages above its commit.
                out.truncate((long) last.commit() * last.pageSize());
            }
            out.force(true);
        }
        return last;
    }

    private LtxHeader mergeBatch(List<LtxFileInfo> batch, FileChannel out, Counting counter, boolean first)
            throws IOException {
        List<LtxDecoder> decoders = new ArrayList<>();
        try {
            for (LtxFileInfo file : batch) {
                decoders.add(open(file, counter));
            }
            LtxHeader head = decoders.get(0).header();
            if (first && !head.isSnapshot()) {
                throw new RestoreException("replica file " + ReplicaInspector.describe(client, batch.get(0))
                        + " should be a snapshot (TXID 1) but is not");
            }
            PageSink sink = (pgno, page) -> {
                ByteBuffer buffer = ByteBuffer.wrap(page);
                long position = (long) (pgno - 1) * page.length;
                while (buffer.hasRemaining()) {
                    position += out.write(buffer, position);
                }
            };
            return LtxMerger.merge(decoders, sink);
        } finally {
            for (LtxDecoder decoder : decoders) {
                try {
                    decoder.close();
                } catch (IOException ignored) {
                    // the merge result or its error is what matters
                }
            }
        }
    }

    private LtxDecoder open(LtxFileInfo file, Counting counter) throws IOException {
        String name = ReplicaInspector.describe(client, file);
        InputStream in;
        try {
            in = client.openFile(file.level(), file.minTxid(), file.maxTxid());
        } catch (NoSuchFileException e) {
            throw new RestoreException("replica file " + name + " disappeared during the restore (deleted by "
                    + "retention or another process?); run the restore again", e);
        }
        return new LtxDecoder(new BufferedInputStream(counter.wrap(in), 64 * 1024), name);
    }

    private static void verifyIntegrity(Path db) throws IOException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("PRAGMA integrity_check")) {
            List<String> problems = new ArrayList<>();
            while (rs.next()) {
                problems.add(rs.getString(1));
            }
            if (!problems.equals(List.of("ok"))) {
                throw new RestoreException("the restored database fails SQLite's integrity check ("
                        + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                        + "); the replica is damaged; nothing was written");
            }
        } catch (SQLException e) {
            throw new RestoreException("the restored database cannot be opened by SQLite (" + e.getMessage()
                    + "); the replica is damaged; nothing was written", e);
        }
    }

    private static long checksumOf(Path db) throws IOException {
        try (DatabaseFile file = new DatabaseFile(db)) {
            return ShutdownState.checksum(file);
        }
    }

    /** A -wal or -shm left from a database that no longer exists would be replayed onto the restored file. */
    private static void removeStaleSidecars(Path target) throws IOException {
        for (String suffix : new String[] {"-wal", "-shm"}) {
            Path stale = Path.of(target + suffix);
            if (Files.deleteIfExists(stale)) {
                log.warn("removed {} left over from a database that no longer exists", stale);
            }
        }
    }

    /** Counts downloaded bytes for progress reports. */
    private static final class Counting {
        private final LongConsumer progress;
        private long total;

        Counting(LongConsumer progress) {
            this.progress = progress;
        }

        InputStream wrap(InputStream in) {
            return new java.io.FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        add(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        add(n);
                    }
                    return n;
                }
            };
        }

        private synchronized void add(long n) {
            total += n;
            if (progress != null) {
                progress.accept(total);
            }
        }
    }
}
