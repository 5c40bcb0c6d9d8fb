package io.github.durablesqlite.benchmarks.jmh;

import io.github.durablesqlite.benchmarks.SampleDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Page contents for the benchmarks: pages of a real SQLite file written by {@link SampleDatabase}
 * (table leaf pages of ~1 KB rows, half random hex: what the engine ships for a typical table,
 * LZ4 takes them to about half) or random bytes (incompressible, LZ4's worst case).
 */
public final class SamplePages {
    public static final int PAGE_SIZE = 4096;

    private SamplePages() {
    }

    /** {@code count} pages of the given content: {@code sample} or {@code random}. */
    public static byte[][] of(String content, int count) {
        return switch (content) {
            case "sample" -> sample(count);
            case "random" -> random(count);
            default -> throw new IllegalArgumentException("content is sample or random, not " + content);
        };
    }

    /** Pages 2 onwards of a freshly written sample database (page 1 is mostly the schema). */
    static byte[][] sample(int count) {
        try {
            Path dir = Files.createTempDirectory("jmh-pages");
            try {
                Path db = dir.resolve("sample.db");
                SampleDatabase.create(db, (long) (count + 8) * PAGE_SIZE);
                // Every connection is closed and the WAL checkpointed: the file holds all pages.
                byte[] file = Files.readAllBytes(db);
                if (file.length < (long) (count + 1) * PAGE_SIZE) {
                    throw new IllegalStateException("sample database has " + file.length / PAGE_SIZE + " pages, wanted "
                            + (count + 1));
                }
                byte[][] pages = new byte[count][];
                for (int i = 0; i < count; i++) {
                    pages[i] = Arrays.copyOfRange(file, (i + 1) * PAGE_SIZE, (i + 2) * PAGE_SIZE);
                }
                return pages;
            } finally {
                deleteRecursively(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the sample database", e);
        }
    }

    static byte[][] random(int count) {
        Random random = new Random(42);
        byte[][] pages = new byte[count][PAGE_SIZE];
        for (byte[] page : pages) {
            random.nextBytes(page);
        }
        return pages;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
