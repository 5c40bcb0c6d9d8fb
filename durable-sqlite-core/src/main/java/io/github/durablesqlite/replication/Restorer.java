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
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a database from a replica: plans a contiguous chain of files, merges their pages into a
 * temporary file next to the output (verifying every file's checksum on the way), runs SQLite's
 * integrity check, and only then renames the file into place. A failed restore leaves nothing.
 */
public final class Restorer {
    private static final Logger log = LoggerFactory.getLogger(Restorer.class);
    /** The most of a restored file mapped into memory for its integrity check. */
    private static final long INTEGRITY_CHECK_MMAP_BYTES = 256L * 1024 * 1024;
    /** Files merged at once; bounds open streams (connections) during a restore of a long chain. */
    private static final int MERGE_FANOUT = 16;

    /** Times the plan is made again when files vanish under a restore (retention in another process). */
    private static final int MAX_REPLANS = 3;

    /**
     * What a restore produced.
     *
     * @param nanos       the whole restore
     * @param verifyNanos the part of it after the last page was written: the fsync and SQLite's
     *                    integrity check, which run side by side
     * @param timestamp   the time of the restored state (the timestamp of the last file applied)
     */
    public record Result(long txid, int pageSize, long size, int files, long downloadedBytes, long nanos,
                         long verifyNanos, Instant timestamp) {}

    private final ReplicaClient client;
    private final ReplicationMetrics metrics;
    private final ReadLeases leases;

    public Restorer(ReplicaClient client, ReplicationMetrics metrics) {
        this(client, metrics, new ReadLeases());
    }

    /** A restorer whose files retention in this process leaves alone while it reads them. */
    Restorer(ReplicaClient client, ReplicationMetrics metrics, ReadLeases leases) {
        this.client = client;
        this.metrics = metrics;
        this.leases = leases;
    }

    /** True when the replica holds at least one file. */
    public boolean replicaExists() throws IOException {
        return ReplicaInspector.maxTxid(client) > 0;
    }

    /**
     * The TXID a restore would reach: {@code txid} if given, else the newest at or before
     * {@code timestamp} (reading object metadata only where the listing cannot decide), else the newest.
     */
    public long resolveTarget(List<LtxFileInfo> files, Long txid, Instant timestamp) throws IOException {
        if (txid != null) {
            return txid;
        }
        if (timestamp != null) {
            long at = TimestampSearch.txidAt(client, files, timestamp);
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
        List<LtxFileInfo> files = ReplicaInspector.allFiles(client, false);
        if (files.isEmpty()) {
            throw new RestoreException("no replica found at " + client.describe()
                    + ": it holds no LTX files; check the replica URL");
        }
        long targetTxid = resolveTarget(files, txid, timestamp);
        List<LtxFileInfo> plan = RestorePlanner.plan(files, targetTxid, client.describe());
        log.info("restoring {} to TXID {} from {} files", target, String.format("%016x", targetTxid), plan.size());

        Files.createDirectories(target.getParent());
        removeAbandonedTempFiles(target);
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".restoring");
        List<ReadLeases.Lease> held = new ArrayList<>();
        try {
            Counting counter = new Counting(progress);
            Applied applied;
            long written;
            long checksum;
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                applied = writePages(out, plan, targetTxid, counter, held);
                written = System.nanoTime();
                checksum = finish(out, tmp, stateDir != null);
            }
            long verified = System.nanoTime();
            long size = Files.size(tmp);
            removeStaleSidecars(target);
            publish(tmp, target);
            Staging.fsyncDirectory(target.getParent());
            if (stateDir != null) {
                new ShutdownState(targetTxid, size, checksum).write(stateDir);
            }
            long nanos = System.nanoTime() - started;
            metrics.restored(targetTxid, size, nanos);
            return new Result(targetTxid, applied.last.pageSize(), size, applied.files, counter.total, nanos,
                    verified - written, Instant.ofEpochMilli(applied.last.timestamp()));
        } finally {
            held.forEach(ReadLeases.Lease::close);
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(Path.of(tmp + "-wal"));
            Files.deleteIfExists(Path.of(tmp + "-shm"));
        }
    }

    /** The last file applied and how many were. */
    private record Applied(LtxHeader last, int files) {}

    /**
     * Applies the plan in batches. A file that vanished before it was opened (retention run by the
     * replicating process, which compacted it into a larger file) leaves the temporary file at the
     * state of the last batch, so the rest is planned again from there.
     */
    private Applied writePages(FileChannel out, List<LtxFileInfo> plan, long targetTxid, Counting counter,
                               List<ReadLeases.Lease> held) throws IOException {
        held.add(leases.acquire(plan));
        LtxHeader last = null;
        int applied = 0;
        int replans = 0;
        List<LtxFileInfo> remaining = plan;
        RestoreFileWriter pages = new RestoreFileWriter(out);
        while (!remaining.isEmpty()) {
            List<LtxFileInfo> batch = remaining.subList(0, Math.min(remaining.size(), MERGE_FANOUT));
            try {
                last = mergeBatch(batch, pages, counter, last == null);
            } catch (VanishedFile e) {
                if (++replans > MAX_REPLANS) {
                    throw e.explain();
                }
                remaining = replan(last == null ? 0 : last.maxTxid(), targetTxid, e);
                held.add(leases.acquire(remaining));
                continue;
            }
            applied += batch.size();
            pages.flush();
            // A shrinking transaction freed the pages above its commit.
            out.truncate((long) last.commit() * last.pageSize());
            remaining = remaining.subList(batch.size(), remaining.size());
        }
        return new Applied(last, applied);
    }

    private List<LtxFileInfo> replan(long from, long targetTxid, VanishedFile vanished) throws IOException {
        log.info("{}; planning the rest of the restore again from TXID {}", vanished.getMessage(),
                String.format("%016x", from));
        try {
            return RestorePlanner.planFrom(ReplicaInspector.allFiles(client, false), from, targetTxid,
                    client.describe());
        } catch (RestoreException gap) {
            throw vanished.explain();
        }
    }

    private LtxHeader mergeBatch(List<LtxFileInfo> batch, PageSink sink, Counting counter, boolean first)
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
            throw new VanishedFile(name, e);
        }
        // A header that fails to decode must not leak the stream: on S3 each one holds a pooled
        // connection, and a few dozen failed restores in one process would exhaust the pool.
        try {
            LtxDecoder decoder = new LtxDecoder(new BufferedInputStream(counter.wrap(in), 64 * 1024), name);
            ReplicaInspector.checkNamed(decoder.header(), file, name);
            return decoder;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Gives the verified file its name without ever replacing a file that appeared there during the
     * restore: on Linux a rename, even ATOMIC_MOVE, silently replaces its target, while a hard link
     * fails if the name exists. Where hard links are not supported, the rename is the fallback.
     */
    private static void publish(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
        } catch (FileAlreadyExistsException e) {
            throw appeared(target);
        } catch (UnsupportedOperationException | FileSystemException noLinks) {
            if (Files.exists(target)) {
                throw appeared(target);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        Files.delete(tmp);
    }

    private static RestoreException appeared(Path target) {
        return new RestoreException("output " + target + " appeared during the restore; it was left untouched "
                + "and nothing was written");
    }

    /**
     * Makes the complete file durable and checks it, returning its checksum for the state file (0 when
     * not wanted). The fsync (disk-bound) and the checksum run on a second thread while SQLite checks
     * the file on this one (CPU-bound); all read it from the page cache, so together they take about as
     * long as the slowest of them. Channels on the file close only after SQLite's connection has:
     * closing a descriptor of a file drops every POSIX lock this process holds on it.
     */
    private static long finish(FileChannel out, Path tmp, boolean wantChecksum) throws IOException {
        try (DatabaseFile file = wantChecksum ? new DatabaseFile(tmp) : null) {
            FutureTask<Long> durable = new FutureTask<>(() -> {
                out.force(true);
                return file == null ? 0L : ShutdownState.checksum(file);
            });
            Thread thread = new Thread(durable, "durable-sqlite-restore-fsync");
            thread.setDaemon(true);
            thread.start();
            try {
                verifyIntegrity(tmp);
            } catch (IOException | RuntimeException e) {
                awaitQuietly(durable);
                throw e;
            }
            return await(durable);
        }
    }

    private static long await(FutureTask<Long> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the restored file was written to disk");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static void awaitQuietly(FutureTask<Long> task) {
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException ignored) {
            // the integrity check's failure is the one to report
        }
    }

    private static void verifyIntegrity(Path db) throws IOException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement()) {
            // The check reads every page, often more than once: through a memory map it takes about a
            // third of the time it takes through read() (measured on a 180 MB file: 0.33 s vs 0.97 s).
            // Capped, so a large database does not map gigabytes into the process.
            statement.execute("PRAGMA mmap_size = " + Math.min(Files.size(db), INTEGRITY_CHECK_MMAP_BYTES));
            verifyIntegrity(statement);
        } catch (SQLException e) {
            throw new RestoreException("the restored database cannot be opened by SQLite (" + e.getMessage()
                    + "); the replica is damaged; nothing was written", e);
        }
    }

    private static void verifyIntegrity(Statement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery("PRAGMA integrity_check")) {
            List<String> problems = new ArrayList<>();
            while (rs.next()) {
                problems.add(rs.getString(1));
            }
            if (!problems.equals(List.of("ok"))) {
                throw new RestoreException("the restored database fails SQLite's integrity check ("
                        + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                        + "); the replica is damaged; nothing was written");
            }
        }
    }

    /**
     * A restore killed before it published its file (SIGKILL, power loss) leaves its temporary file: a full-size
     * copy that nothing else would ever delete, and a process restarted in a loop would fill the disk
     * with them. The output does not exist yet, and two restores into one output at once could not
     * both succeed, so none of these belongs to a restore still running.
     */
    private static void removeAbandonedTempFiles(Path target) throws IOException {
        // Files.createTempFile puts digits between prefix and suffix; requiring them keeps the files of
        // an output whose name merely starts with this one's ("app.db.x" for "app.db").
        Pattern ours = Pattern.compile(Pattern.quote("." + target.getFileName() + ".") + "[0-9]+\\.restoring");
        try (DirectoryStream<Path> abandoned = Files.newDirectoryStream(target.getParent(),
                entry -> ours.matcher(entry.getFileName().toString()).matches())) {
            for (Path file : abandoned) {
                if (Files.deleteIfExists(file)) {
                    log.warn("removed {} left by a restore that was interrupted", file);
                }
            }
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

    /** A planned file is gone: deleted by retention or another process after the listing. */
    private static final class VanishedFile extends IOException {
        VanishedFile(String name, NoSuchFileException cause) {
            super("replica file " + name + " disappeared during the restore", cause);
        }

        RestoreException explain() {
            return new RestoreException(getMessage() + " (deleted by retention or another process?) and no other "
                    + "files cover its TXIDs; run the restore again", this);
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
