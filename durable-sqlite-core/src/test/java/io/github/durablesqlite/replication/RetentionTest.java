package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.replica.LtxFileInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retention on a synthetic history laid out exactly as the compactor lays it out, at chosen times. */
class RetentionTest {
    private static final Instant START = Instant.parse("2026-03-02T00:00:00Z");
    private static final HistoryOptions OPTIONS = HistoryOptions.defaults()
            .withSnapshotInterval(Duration.ofMinutes(30)).withRetention(Duration.ofHours(1));

    /** One TXID a second for {@code seconds}; levels and snapshots at their boundaries. */
    private static List<LtxFileInfo> history(int seconds) {
        List<LtxFileInfo> files = new ArrayList<>();
        long[] lastAt = new long[10];
        for (int s = 1; s <= seconds; s++) {
            Instant at = START.plusSeconds(s);
            files.add(new LtxFileInfo(0, s, s, 100, at));
            for (int level = 1; level <= 3; level++) {
                if (s % OPTIONS.interval(level).toSeconds() == 0) {
                    files.add(new LtxFileInfo(level, lastAt[level] + 1, s, 100, at));
                    lastAt[level] = s;
                }
            }
            if (s % OPTIONS.snapshotInterval().toSeconds() == 0) {
                files.add(new LtxFileInfo(9, 1, s, 100, at));
            }
        }
        return files;
    }

    @Test
    void everyRetainedPointInTimeStillRestoresAtLevelOneGranularity() {
        int seconds = 4 * 3600 + 1234;
        ReplicaIndex index = new ReplicaIndex(history(seconds));
        Instant now = START.plusSeconds(seconds);
        List<LtxFileInfo> expired = new Retention(OPTIONS, new ReadLeases()).expired(index, now);
        assertThat(expired).isNotEmpty();
        index.removeAll(expired);
        List<LtxFileInfo> kept = index.all();

        for (Instant t = now; !t.isBefore(now.minus(OPTIONS.retention())); t = t.minusSeconds(7)) {
            long wanted = t.getEpochSecond() - START.getEpochSecond();
            long target = RestorePlanner.txidAt(kept, t);
            boolean inLevel0Window = !t.isBefore(now.minus(OPTIONS.l0Retention()));
            assertThat(wanted - target).as("TXIDs lost at %s", t).isLessThan(inLevel0Window ? 1 : 30);
            List<LtxFileInfo> plan = RestorePlanner.plan(kept, target, "r");
            assertThat(plan.get(0).level()).isEqualTo(9);
            assertThat(plan.size()).as("files to restore %s", t).isLessThanOrEqualTo(1 + 1 + 11 + 9 + 300);
        }
        // Far fewer files than one per TXID, and nothing older than the anchor snapshot.
        assertThat(kept.size()).isLessThan(seconds / 10);
        long anchor = index.files(9).get(0).maxTxid();
        assertThat(START.plusSeconds(anchor)).isBeforeOrEqualTo(now.minus(OPTIONS.retention()));
        assertThat(index.files(9)).hasSize(3);
    }

    @Test
    void keepsTheNewestFileOfEachLevelAndWhatTheLevelAboveHasNotMerged() {
        int seconds = 3 * 3600 + 10;
        ReplicaIndex index = new ReplicaIndex(history(seconds));
        // Level 2 stopped two hours ago (say its compaction failed): level 1 stays below it.
        List<LtxFileInfo> lateLevel2 = index.files(2).stream()
                .filter(f -> f.maxTxid() > 3600).toList();
        index.removeAll(lateLevel2);
        Instant now = START.plusSeconds(seconds);
        List<LtxFileInfo> expired = new Retention(OPTIONS, new ReadLeases()).expired(index, now);
        assertThat(expired).filteredOn(f -> f.level() == 1).allMatch(f -> f.maxTxid() <= 3600);
        for (int level : new int[] {0, 1, 2, 3, 9}) {
            LtxFileInfo newest = index.last(level);
            assertThat(expired).as("newest of level %d", level).doesNotContain(newest);
        }
    }

    @Test
    void filesARestoreIsReadingStay() {
        int seconds = 4 * 3600;
        ReplicaIndex index = new ReplicaIndex(history(seconds));
        Instant now = START.plusSeconds(seconds);
        ReadLeases leases = new ReadLeases();
        Retention retention = new Retention(OPTIONS, leases);
        List<LtxFileInfo> expired = retention.expired(index, now);
        List<LtxFileInfo> reading = List.of(expired.get(0), expired.get(expired.size() - 1));
        try (ReadLeases.Lease lease = leases.acquire(reading)) {
            assertThat(retention.expired(index, now)).doesNotContainAnyElementsOf(reading)
                    .hasSize(expired.size() - 2);
        }
        assertThat(retention.expired(index, now)).containsAll(reading);
    }

    @Test
    void aYoungReplicaLosesOnlyLevelZeroFilesThatLevelOneCovers() {
        int seconds = 20 * 60;
        ReplicaIndex index = new ReplicaIndex(history(seconds));
        List<LtxFileInfo> expired = new Retention(OPTIONS, new ReadLeases()).expired(index, START.plusSeconds(seconds));
        // Up to the last level-1 boundary older than five minutes.
        assertThat(expired).allMatch(f -> f.level() == 0 && f.maxTxid() <= seconds - 5 * 60);
        assertThat(expired).hasSize(seconds - 5 * 60);
        List<LtxFileInfo> later = new Retention(OPTIONS, new ReadLeases()).expired(index,
                START.plusSeconds(seconds + 20));
        assertThat(later).hasSize(seconds - 5 * 60);
    }
}
