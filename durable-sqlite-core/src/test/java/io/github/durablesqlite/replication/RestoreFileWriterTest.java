package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestoreFileWriterTest {

    @TempDir
    Path dir;

    /** Gathered writes land where page-by-page writes would: across gaps, buffer ends and overwrites. */
    @Test
    void everyPageLandsAtItsOffset() throws Exception {
        int pageSize = 65536; // sixteen pages fill the buffer, so runs cross its end
        Random random = new Random(7);
        int[] pgnos = {1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 40, 41};
        byte[] expected = new byte[41 * pageSize];
        Path file = dir.resolve("out.db");
        Files.createFile(file);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            RestoreFileWriter writer = new RestoreFileWriter(out);
            for (int pgno : pgnos) {
                byte[] page = new byte[pageSize];
                random.nextBytes(page);
                writer.writePage(pgno, page);
                System.arraycopy(page, 0, expected, (pgno - 1) * pageSize, pageSize);
                Arrays.fill(page, (byte) 0); // the caller reuses its buffer at once
            }
            writer.flush();
            // A later batch rewrites page 6 in place.
            byte[] newer = new byte[pageSize];
            random.nextBytes(newer);
            writer.writePage(6, newer);
            writer.flush();
            System.arraycopy(newer, 0, expected, 5 * pageSize, pageSize);
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
    }

    @Test
    void nothingIsWrittenBeforeAFlush() throws Exception {
        Path file = dir.resolve("out.db");
        Files.createFile(file);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            RestoreFileWriter writer = new RestoreFileWriter(out);
            writer.writePage(1, new byte[4096]);
            assertThat(out.size()).isZero();
            writer.flush();
            assertThat(out.size()).isEqualTo(4096);
        }
    }
}
