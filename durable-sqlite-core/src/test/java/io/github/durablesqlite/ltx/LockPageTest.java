package io.github.durablesqlite.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** SQLite never stores the page at byte offset 1 GiB; snapshots skip it and nothing may hold it. */
class LockPageTest {

    @Test
    void lockPageIsThePageHoldingByteOneGibibyte() {
        assertThat(LtxHeader.lockPage(512)).isEqualTo(2_097_153);
        assertThat(LtxHeader.lockPage(1024)).isEqualTo(1_048_577);
        assertThat(LtxHeader.lockPage(4096)).isEqualTo(262_145);
        assertThat(LtxHeader.lockPage(65536)).isEqualTo(16_385);
        assertThat(LtxHeader.of(4096, 1, 1, 1, 0).lockPage()).isEqualTo(262_145);
    }

    @Test
    void encoderRefusesTheLockPage() throws IOException {
        int lock = LtxHeader.lockPage(4096);
        try (LtxEncoder enc = new LtxEncoder(new ByteArrayOutputStream(), LtxHeader.of(4096, lock + 10, 5, 5, 0),
                PageEncoding.BLOCK)) {
            assertThatThrownBy(() -> enc.writePage(lock, new byte[4096]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("page 262145 is the SQLite lock page");
            enc.writePage(lock + 1, new byte[4096]);
        }
    }

    @Test
    void snapshotOrderSkipsTheLockPageAndOnlyIt() {
        int lock = LtxHeader.lockPage(1024);
        PageOrder order = new PageOrder(LtxHeader.of(1024, lock + 2, 1, 1, 0));
        order.accept(lock - 1); // as if pages 1..lock-1 came before
        assertThat(order.problem(lock)).contains("lock page");
        assertThat(order.problem(lock + 2)).contains("snapshot is missing page " + (lock + 1));
        assertThat(order.problem(lock + 1)).isNull();
        order.accept(lock + 1);
        assertThat(order.endProblem()).contains("pages " + (lock + 2) + ".." + (lock + 2) + " are missing");
        order.accept(lock + 2);
        assertThat(order.endProblem()).isNull();
    }

    @Test
    void snapshotWhoseLastPageIsTheLockPageEndsJustBeforeIt() {
        int lock = LtxHeader.lockPage(512);
        PageOrder order = new PageOrder(LtxHeader.of(512, lock, 1, 1, 0));
        order.accept(lock - 2);
        assertThat(order.endProblem()).contains("pages " + (lock - 1) + ".." + lock);
        order.accept(lock - 1);
        assertThat(order.endProblem()).isNull();
    }

    /**
     * A real snapshot that spans the lock page: 1 GiB of 64 KiB pages. Zero-filled pages compress
     * to a few hundred bytes each, so this takes about 5 MB of memory and a few seconds, spent
     * checksumming the gibibyte twice. The page order rules do not depend on the encoding, so one
     * encoding is enough at this size.
     */
    @Test
    void fullSizeSnapshotAcrossTheLockPage() throws IOException {
        PageEncoding encoding = PageEncoding.BLOCK;
        int pageSize = 65536;
        int lock = LtxHeader.lockPage(pageSize);
        int commit = lock + 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] page = new byte[pageSize];
        try (LtxEncoder enc = new LtxEncoder(out, LtxHeader.of(pageSize, commit, 1, 50, 0), encoding)) {
            for (int pgno = 1; pgno <= commit; pgno++) {
                if (pgno != lock) {
                    PageFrameWriter.putInt(page, 100, pgno);
                    enc.writePage(pgno, page);
                }
            }
            enc.finish();
        }
        try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(out.toByteArray()), "big.ltx")) {
            int count = 0;
            int previous = 0;
            for (int pgno; (pgno = dec.nextPage(page)) != 0; previous = pgno) {
                assertThat(PageFrameWriter.getInt(page, 100)).isEqualTo(pgno);
                if (previous == lock - 1) {
                    assertThat(pgno).isEqualTo(lock + 1);
                }
                count++;
            }
            dec.finish();
            assertThat(count).isEqualTo(commit - 1);
        }
    }
}
