package io.github.durablesqlite.replica;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The lease file of a directory replica. Every change happens while holding an exclusive lock on a
 * separate lock file (a POSIX lock, so other processes on the host wait too) and a JVM-wide monitor
 * (POSIX locks do not exclude threads of one process): the read, the version check and the atomic
 * rename are then one step. The version is a digest of the content, which names its holder and
 * renewal time and so never repeats. Locks over a network file system are only as good as its
 * locking; docs/reliability.md says so.
 */
final class FileLeaseObject implements LeaseStore {
    private static final Object JVM_LOCK = new Object();

    private final Path dir;
    private final Path file;

    FileLeaseObject(Path dir, String name) {
        this.dir = dir;
        this.file = dir.resolve(name);
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public Versioned read() throws IOException {
        try {
            byte[] content = Files.readAllBytes(file);
            return new Versioned(content, version(content));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public String create(byte[] content) throws IOException {
        return locked(() -> {
            if (Files.exists(file)) {
                return null;
            }
            return write(content);
        });
    }

    @Override
    public String replace(byte[] content, String version) throws IOException {
        return locked(() -> {
            Versioned current = read();
            if (current == null || !current.version().equals(version)) {
                return null;
            }
            return write(content);
        });
    }

    @Override
    public boolean delete(String version) throws IOException {
        return locked(() -> {
            Versioned current = read();
            if (current == null) {
                return true;
            }
            if (!current.version().equals(version)) {
                return false;
            }
            Files.delete(file);
            fsync(dir);
            return true;
        });
    }

    private interface Step<T> {
        T run() throws IOException;
    }

    private <T> T locked(Step<T> step) throws IOException {
        Files.createDirectories(dir);
        synchronized (JVM_LOCK) {
            try (FileChannel lockFile = FileChannel.open(dir.resolve("." + file.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                return step.run();
            }
        }
    }

    /** Writes a complete temp file and renames it over the lease file, so a reader never sees half of one. */
    private String write(byte[] content) throws IOException {
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsync(dir);
            return version(content);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void fsync(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static String version(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
