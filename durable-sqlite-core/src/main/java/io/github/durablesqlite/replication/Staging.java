package io.github.durablesqlite.replication;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local directory where each sync's LTX file is made durable before it is uploaded, so that an
 * object-store outage never blocks the application and never loses a committed transaction.
 */
final class Staging {
    private static final Pattern NAME = Pattern.compile("([0-9a-f]{16})-([0-9a-f]{16})\\.ltx");

    /** A staged LTX file waiting for upload. */
    record StagedFile(long minTxid, long maxTxid, Path path) {}

    /** Writes the content of one staged file. */
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private final Path dir;

    Staging(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        // Leftovers of a write interrupted by a crash; nothing else writes here yet.
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.tmp")) {
            for (Path path : stream) {
                Files.deleteIfExists(path);
            }
        }
    }

    Path dir() {
        return dir;
    }

    /**
     * Writes a file under a temporary name, fsyncs it and renames it into place. The rename is made
     * durable by {@link #syncDirectory()}, which the caller runs next: after handing the file to the
     * uploader, so that the upload does not wait for it (the caller waits for both).
     */
    StagedFile stage(long minTxid, long maxTxid, Content content) throws IOException {
        Path target = dir.resolve(fileName(minTxid, maxTxid));
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 64 * 1024);
            content.writeTo(out);
            out.flush();
            channel.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw cannotStage(target, e);
        } catch (RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw cannotStage(target, e);
        }
        return new StagedFile(minTxid, maxTxid, target);
    }

    /** Makes the renames of {@link #stage} so far durable. */
    void syncDirectory() {
        fsyncDirectory(dir);
    }

    /**
     * The JDK says only "No space left on device", without a path: name the directory, so whoever
     * reads the status or the log knows which disk to free. The database is unaffected.
     */
    private IOException cannotStage(Path target, IOException e) {
        String reason = e.getMessage() != null ? e.getMessage() : e.toString();
        return new IOException("cannot stage " + target.getFileName() + " in staging directory " + dir + ": " + reason
                + "; commits continue in the local database and are staged once the directory is writable again", e);
    }

    /** Staged files in TXID order (files still being written are not listed). */
    List<StagedFile> pending() throws IOException {
        List<StagedFile> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                Matcher m = NAME.matcher(name);
                if (m.matches()) {
                    files.add(new StagedFile(Long.parseUnsignedLong(m.group(1), 16),
                            Long.parseUnsignedLong(m.group(2), 16), path));
                }
            }
        }
        files.sort(Comparator.comparingLong(StagedFile::minTxid));
        return files;
    }

    void remove(StagedFile file) throws IOException {
        Files.deleteIfExists(file.path());
    }

    static String fileName(long minTxid, long maxTxid) {
        return String.format("%016x-%016x.ltx", minTxid, maxTxid);
    }

    static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // Some file systems cannot fsync a directory; the rename is still atomic there.
        }
    }
}
