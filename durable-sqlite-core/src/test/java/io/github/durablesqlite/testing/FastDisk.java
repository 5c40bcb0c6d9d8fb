package io.github.durablesqlite.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Scratch directories in memory ({@code /dev/shm}) where the machine has it, for tests that commit
 * thousands of times: every sync, upload and SQLite commit fsyncs, which on a real disk would make
 * such a test minutes long without testing anything more.
 */
public final class FastDisk {
    private static final Path SHM = Path.of("/dev/shm");

    private FastDisk() {}

    public static Path createTempDirectory(String prefix) throws IOException {
        if (Files.isDirectory(SHM) && Files.isWritable(SHM)) {
            return Files.createTempDirectory(SHM, prefix);
        }
        return Files.createTempDirectory(prefix);
    }

    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
