package io.github.durablesqlite.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Torn and corrupted frames: the log ends before the first bad frame, and its transaction is lost. */
class WalDamageTest {
    private static final int PAGE = 1024;

    @TempDir
    Path dir;
    private byte[] wal;
    private WalBytes frames;
    private Path damaged;

    @BeforeEach
    void writeARealWalWithSingleAndMultiFrameTransactions() throws Exception {
        Path db = dir.resolve("d.db");
        Sqlite.create(db, PAGE, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
        try (Connection c = Sqlite.open(db)) {
            Sqlite.exec(c, "INSERT INTO t(v) VALUES (randomblob(50))", "INSERT INTO t(v) VALUES (randomblob(50))");
            Sqlite.exec(c, Sqlite.series(6) + "INSERT INTO t(v) SELECT randomblob(900) FROM s");
            Sqlite.exec(c, "UPDATE t SET v = randomblob(60) WHERE id = 1");
            Sqlite.exec(c, Sqlite.series(4) + "INSERT INTO t(v) SELECT randomblob(2500) FROM s");
            Sqlite.exec(c, "DELETE FROM t WHERE id = 3");
            wal = Sqlite.readWal(db);
        }
        frames = new WalBytes(wal);
        damaged = dir.resolve("damaged-wal");
        // The cases below need transactions of several frames, whose commit frame can go missing alone.
        List<Long> ends = frames.commitEnds();
        assertThat(ends).hasSize(6);
        assertThat(ends.get(2) - ends.get(1)).isGreaterThan(2L * frames.frameSize());
        assertThat(ends.get(4) - ends.get(3)).isGreaterThan(2L * frames.frameSize());
        assertThat(ends.get(5)).isEqualTo(wal.length);
    }

    @Test
    void aTornTailEndsTheLogAtTheLastWholeCommit() throws Exception {
        int frameSize = frames.frameSize();
        int[] cutsIntoFrame = {0, 1, 8, 23, 24, 24 + PAGE / 2, frameSize - 1};
        try (WalReader reader = new WalReader(damaged)) {
            for (long frame : frames.frameOffsets()) {
                for (int into : cutsIntoFrame) {
                    long cut = frame + into;
                    Files.write(damaged, Arrays.copyOf(wal, (int) cut));

                    WalScan scan = reader.scan(null);

                    long end = frames.lastCommitEndAtOrBelow(cut);
                    assertThat(scan.end().offset()).as("cut at %d", cut).isEqualTo(end);
                    assertThat(scan.transactions()).as("cut at %d", cut).isEqualTo(frames.commitsAtOrBelow(cut));
                    assertThat(scan.pages()).as("cut at %d", cut).isEqualTo(frames.newestPages(32, end));
                    assertThat(scan.commitSize()).as("cut at %d", cut)
                            .isEqualTo(end == 32 ? 0 : frames.frame(end - frameSize).commitSize());
                }
            }
        }
    }

    @Test
    void aChangedByteInAnyFrameEndsTheLogBeforeThatFramesTransaction() throws Exception {
        int[] bytesInFrame = {0, 3, 4, 7, 8, 15, 16, 23, 24, 24 + PAGE / 2, 24 + PAGE - 1};
        try (WalReader reader = new WalReader(damaged)) {
            for (long frame : frames.frameOffsets()) {
                for (int at : bytesInFrame) {
                    byte[] bad = wal.clone();
                    bad[(int) frame + at] ^= 0x01;
                    Files.write(damaged, bad);

                    WalScan scan = reader.scan(null);

                    long end = frames.lastCommitEndAtOrBelow(frame);
                    String where = "byte " + at + " of the frame at " + frame;
                    assertThat(scan.end().offset()).as(where).isEqualTo(end);
                    assertThat(scan.transactions()).as(where).isEqualTo(frames.commitsAtOrBelow(frame));
                    assertThat(scan.pages()).as(where).isEqualTo(frames.newestPages(32, end));
                }
            }
        }
    }

    @Test
    void aResumedScanStopsAtDamageAfterItsPositionAndIgnoresDamageBefore() throws Exception {
        long middle = frames.commitEnds().get(2);
        try (WalReader reader = new WalReader(damaged)) {
            Files.write(damaged, Arrays.copyOf(wal, (int) middle));
            WalPosition atMiddle = reader.scan(null).end();
            assertThat(atMiddle.offset()).isEqualTo(middle);

            byte[] badBefore = wal.clone();
            badBefore[32 + 24 + 100] ^= 0x40;
            Files.write(damaged, badBefore);
            WalScan afterGoodTail = reader.scan(atMiddle);

            byte[] badAfter = wal.clone();
            badAfter[(int) middle + 24 + 100] ^= 0x40; // page data of the first frame after the position
            Files.write(damaged, badAfter);
            WalScan afterBadTail = reader.scan(atMiddle);

            assertThat(afterGoodTail.transactions()).isEqualTo(3);
            assertThat(afterGoodTail.end().offset()).isEqualTo(wal.length);
            assertThat(afterBadTail.isEmpty()).isTrue();
            assertThat(afterBadTail.end()).isEqualTo(atMiddle);
        }
    }

    @Test
    void aValidlyChecksummedFrameForPageZeroEndsTheLog() throws Exception {
        byte[] synthetic = new SyntheticWal(true, 512, 9, 8)
                .frame(1, 1, SyntheticWal.page(512, 1))
                .frame(0, 1, SyntheticWal.page(512, 2))
                .frame(1, 1, SyntheticWal.page(512, 3))
                .bytes();
        Files.write(damaged, synthetic);
        try (WalReader reader = new WalReader(damaged)) {
            WalScan scan = reader.scan(null);

            assertThat(scan.transactions()).isEqualTo(1);
            assertThat(scan.end().offset()).isEqualTo(32 + 536);
        }
    }
}
