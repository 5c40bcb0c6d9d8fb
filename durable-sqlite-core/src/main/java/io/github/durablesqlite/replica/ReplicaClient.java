package io.github.durablesqlite.replica;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The storage seam: list, open, write and delete LTX files at a level of one replica.
 *
 * <p>A client knows object I/O only; layout policy (which files to write, compact or keep) lives
 * above it. Failures are {@link IOException}s whose messages say what failed, where, and how to fix
 * it; a missing file is a {@link java.nio.file.NoSuchFileException}. Implementations are
 * thread-safe. Obtain one from {@link ReplicaClients}.
 */
public interface ReplicaClient extends Closeable {

    /** Name of the lease object at the replica's root, beside the level directories. */
    String LEASE_OBJECT = "lease.json";

    /** {@code "file"} or {@code "s3"}. */
    String type();

    /** The replica's location for messages and logs, e.g. {@code s3://bucket/prefix}; never a secret. */
    String describe();

    /**
     * Files at a level, ascending by minTxid (then maxTxid). A missing level is an empty list.
     * Names that are not {@code <16 hex>-<16 hex>.ltx} are skipped.
     *
     * @param withTimestamps on S3, read each object's {@code litestream-timestamp} metadata (HEAD
     *                       requests, in parallel) instead of using LastModified; the file client
     *                       always has exact timestamps
     */
    List<LtxFileInfo> listFiles(int level, boolean withTimestamps) throws IOException;

    /**
     * Whether {@link #listFiles(int, boolean) listFiles(level, false)} already gives every file's
     * exact timestamp (a directory: the mtime is the timestamp). When false, the listed time is
     * only an upper bound (S3's LastModified: the upload time, in whole seconds) and
     * {@link #readTimestamp} costs a request.
     */
    default boolean listsExactTimestamps() {
        return false;
    }

    /**
     * The file's exact timestamp: on S3 its {@code litestream-timestamp} metadata (one HEAD
     * request), in a directory its mtime. The default lists the file's level with timestamps.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     */
    default Instant readTimestamp(LtxFileInfo file) throws IOException {
        for (LtxFileInfo listed : listFiles(file.level(), true)) {
            if (listed.minTxid() == file.minTxid() && listed.maxTxid() == file.maxTxid()) {
                return listed.createdAt();
            }
        }
        throw new java.nio.file.NoSuchFileException(describe() + " level " + file.level() + " " + file.fileName());
    }

    /**
     * Streams a file; the caller closes the stream.
     *
     * @throws java.nio.file.NoSuchFileException naming the key or path if the file does not exist
     */
    InputStream openFile(int level, long minTxid, long maxTxid) throws IOException;

    /**
     * Uploads a local file, replacing any file with the same name. The source is re-read on
     * retries. The timestamp is stored as {@code litestream-timestamp} metadata (S3) or as the
     * file's mtime (file).
     */
    LtxFileInfo writeFile(int level, long minTxid, long maxTxid, Path source, Instant timestamp)
            throws IOException;

    /** Deletes the given files; files already gone are not an error. */
    void deleteFiles(Collection<LtxFileInfo> files) throws IOException;

    /**
     * Deletes everything under the replica's prefix (S3; with an empty prefix, every object in the
     * bucket) or the replica directory itself (file), LTX or not, as Litestream does.
     */
    void deleteAll() throws IOException;

    /**
     * The replica's lease object ({@value #LEASE_OBJECT} at its root), or null when this client
     * cannot offer compare-and-swap on it.
     */
    default LeaseStore leaseStore() {
        return null;
    }
}
