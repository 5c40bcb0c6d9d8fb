package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.durablesqlite.RestoreException;
import io.github.durablesqlite.replica.LtxFileInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestorePlannerTest {
    private static LtxFileInfo file(int level, long min, long max) {
        return new LtxFileInfo(level, min, max, 100, Instant.EPOCH.plusSeconds(max));
    }

    @Test
    void continuesFromASnapshotThroughTheCompactedFileThatOverlapsIt() {
        List<LtxFileInfo> files = new ArrayList<>();
        for (long txid = 1; txid <= 40; txid++) {
            files.add(file(0, txid, txid));
        }
        files.add(file(1, 1, 10));
        files.add(file(1, 11, 20));
        files.add(file(1, 21, 30));
        files.add(file(2, 1, 20));
        files.add(file(9, 1, 25)); // taken in the middle of 21-30
        List<LtxFileInfo> plan = RestorePlanner.plan(files, 33, "r");
        assertThat(plan).containsExactly(file(9, 1, 25), file(1, 21, 30), file(0, 31, 31), file(0, 32, 32),
                file(0, 33, 33));
    }

    @Test
    void takesTheFewestFilesAndPrefersHigherLevelsOnTies() {
        List<LtxFileInfo> files = List.of(file(0, 1, 1), file(0, 2, 2), file(0, 3, 3), file(1, 1, 3), file(2, 1, 3),
                file(0, 4, 4));
        assertThat(RestorePlanner.plan(files, 4, "r")).containsExactly(file(2, 1, 3), file(0, 4, 4));
        assertThat(RestorePlanner.plan(files, 2, "r")).containsExactly(file(0, 1, 1), file(0, 2, 2));
    }

    @Test
    void plansTheRestFromAStateAlreadyApplied() {
        List<LtxFileInfo> files = List.of(file(9, 1, 5), file(1, 4, 9), file(0, 10, 10));
        assertThat(RestorePlanner.planFrom(files, 5, 10, "r")).containsExactly(file(1, 4, 9), file(0, 10, 10));
    }

    @Test
    void namesTheGapOrTheTxidNoFileEndsAt() {
        List<LtxFileInfo> files = List.of(file(0, 1, 1), file(0, 4, 4));
        assertThatThrownBy(() -> RestorePlanner.plan(files, 4, "r")).isInstanceOf(RestoreException.class)
                .hasMessageContaining("missing TXID 0000000000000002 to 0000000000000003");
        List<LtxFileInfo> compacted = List.of(file(9, 1, 1), file(1, 2, 9));
        assertThatThrownBy(() -> RestorePlanner.plan(compacted, 5, "r")).isInstanceOf(RestoreException.class)
                .hasMessageContaining("no file ending at TXID 0000000000000005");
    }
}
