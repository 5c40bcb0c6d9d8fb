package io.github.durablesqlite.replication;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a replica's history is kept cheap: compaction levels, snapshots, retention and restore
 * drills. Immutable; the public builder validates values before making one. Defaults are
 * Litestream's: levels of 30 s, 5 min and 1 h, a daily snapshot, 24 h retention, and level-0
 * files kept 5 min after level 1 covers them.
 *
 * @param levelIntervals   interval of level 1, 2, ... (at most 8): each level merges the files of the
 *                         level below at wall-clock boundaries of its interval
 * @param snapshotInterval how often a full snapshot (level 9) is written, at wall-clock boundaries;
 *                         also at start-up when none was written since the last boundary
 * @param retention        how far back point-in-time restores stay possible; older files go once no
 *                         restore of a retained point needs them
 * @param l0Retention      how long level-0 files (one per sync) stay after level 1 covers them; within
 *                         this window every TXID can be restored, beyond it every level-1 boundary
 * @param verifyInterval   how often a restore drill checks the replica, or null for never
 */
public record HistoryOptions(List<Duration> levelIntervals, Duration snapshotInterval, Duration retention,
                             Duration l0Retention, Duration verifyInterval) {
    /** Level 9 holds full snapshots; compaction levels are 1..8. */
    public static final int SNAPSHOT_LEVEL = 9;
    public static final int MAX_COMPACTION_LEVELS = 8;

    public HistoryOptions {
        levelIntervals = List.copyOf(Objects.requireNonNull(levelIntervals, "levelIntervals"));
        if (levelIntervals.size() > MAX_COMPACTION_LEVELS) {
            throw new IllegalArgumentException("at most " + MAX_COMPACTION_LEVELS + " compaction levels, got "
                    + levelIntervals.size());
        }
        for (Duration interval : levelIntervals) {
            requirePositive(interval, "level interval");
        }
        requirePositive(snapshotInterval, "snapshotInterval");
        requirePositive(retention, "retention");
        Objects.requireNonNull(l0Retention, "l0Retention");
        if (l0Retention.isNegative()) {
            throw new IllegalArgumentException("l0Retention must not be negative, was " + l0Retention);
        }
        if (verifyInterval != null) {
            requirePositive(verifyInterval, "verifyInterval");
        }
    }

    public static HistoryOptions defaults() {
        return new HistoryOptions(List.of(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1)),
                Duration.ofHours(24), Duration.ofHours(24), Duration.ofMinutes(5), null);
    }

    /** The highest compaction level, 0 when there is none (snapshots then follow level 0). */
    public int topLevel() {
        return levelIntervals.size();
    }

    /** Interval of compaction level {@code level} (1-based). */
    public Duration interval(int level) {
        return levelIntervals.get(level - 1);
    }

    public HistoryOptions withLevelIntervals(List<Duration> value) {
        return new HistoryOptions(value, snapshotInterval, retention, l0Retention, verifyInterval);
    }

    public HistoryOptions withSnapshotInterval(Duration value) {
        return new HistoryOptions(levelIntervals, value, retention, l0Retention, verifyInterval);
    }

    public HistoryOptions withRetention(Duration value) {
        return new HistoryOptions(levelIntervals, snapshotInterval, value, l0Retention, verifyInterval);
    }

    public HistoryOptions withL0Retention(Duration value) {
        return new HistoryOptions(levelIntervals, snapshotInterval, retention, value, verifyInterval);
    }

    public HistoryOptions withVerifyInterval(Duration value) {
        return new HistoryOptions(levelIntervals, snapshotInterval, retention, l0Retention, value);
    }

    private static void requirePositive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
    }
}
