package io.github.durablesqlite.replica;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A replica in a local directory, laid out as Litestream's file client lays it out:
 * {@code <dir>/ltx/<level in decimal>/<min>-<max>.ltx}, each file's mtime set to its timestamp.
 */
final class FileReplicaClient implements ReplicaClient {

    private final Path root;

    FileReplicaClient(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String type() {
        return ReplicaUrl.FILE;
    }

    @Override
    public String describe() {
        return "file://" + root;
    }

    Path levelDir(int level) {
        LtxFileInfo.checkLevel(level);
        return root.resolve("ltx").resolve(Integer.toString(level));
    }

    Path filePath(int level, long minTxid, long maxTxid) {
        return levelDir(level).resolve(LtxFileNames.format(minTxid, maxTxid));
    }

    /** The lease file {@code <dir>/lease.json}: Litestream reads only {@code <dir>/ltx/}. */
    @Override
    public LeaseStore leaseStore() {
        return new FileLeaseObject(root, LEASE_OBJECT);
    }

    @Override
    public List<LtxFileInfo> listFiles(int level, boolean withTimestamps) throws IOException {
        Path dir = levelDir(level);
        List<LtxFileInfo> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                long[] range = LtxFileNames.parse(entry.getFileName().toString());
                if (range == null) {
                    continue;
                }
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(entry, BasicFileAttributes.class);
                } catch (NoSuchFileException deletedMeanwhile) {
                    continue;
                }
                if (attrs.isRegularFile()) {
                    files.add(new LtxFileInfo(level, range[0], range[1], attrs.size(),
                            attrs.lastModifiedTime().toInstant()));
                }
            }
        } catch (NoSuchFileException noLevelYet) {
            return List.of();
        }
        files.sort(LtxFileNames.ORDER);
        return files;
    }

    @Override
    public boolean listsExactTimestamps() {
        return true;
    }

    @Override
    public Instant readTimestamp(LtxFileInfo file) throws IOException {
        return Files.getLastModifiedTime(filePath(file.level(), file.minTxid(), file.maxTxid())).toInstant();
    }

    @Override
    public InputStream openFile(int level, long minTxid, long maxTxid) throws IOException {
        // The JDK's NoSuchFileException already names the full path.
        return Files.newInputStream(filePath(level, minTxid, maxTxid));
    }

    @Override
    public LtxFileInfo writeFile(int level, long minTxid, long maxTxid, Path source, Instant timestamp)
            throws IOException {
        Path target = filePath(level, minTxid, maxTxid);
        Path dir = target.getParent();
        List<Path> created = createDirectories(dir);
        // A unique hidden temp name: concurrent writers never share one, and listings skip it.
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            long size;
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                size = copy(in, out);
                // Set before the fsync so the timestamp is as durable as the bytes; no write follows it.
                Files.setLastModifiedTime(temp, FileTime.from(timestamp));
                out.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDirectory(dir);
            for (Path newDir : created) {
                fsyncDirectory(newDir.getParent());
            }
            return new LtxFileInfo(level, minTxid, maxTxid, size, timestamp);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static long copy(FileChannel in, FileChannel out) throws IOException {
        long size = in.size();
        long done = 0;
        while (done < size) {
            long n = out.transferFrom(in, done, size - done);
            if (n <= 0) {
                throw new IOException("source file shrank while being copied: expected " + size
                        + " bytes, read " + done);
            }
            done += n;
        }
        return done;
    }

    /** Creates missing directories and returns them, outermost first, so their entries can be synced. */
    private static List<Path> createDirectories(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.add(0, p);
        }
        Files.createDirectories(dir);
        return missing;
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @Override
    public void deleteFiles(Collection<LtxFileInfo> files) throws IOException {
        for (LtxFileInfo file : files) {
            Files.deleteIfExists(filePath(file.level(), file.minTxid(), file.maxTxid()));
        }
    }

    @Override
    public void deleteAll() throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        // Symbolic links are removed, never followed: nothing outside the directory is touched.
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public void close() {
        // Nothing is held open between calls.
    }

    @Override
    public String toString() {
        return describe();
    }
}
