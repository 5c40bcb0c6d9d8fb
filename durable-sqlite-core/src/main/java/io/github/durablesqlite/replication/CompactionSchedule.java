package io.github.durablesqlite.replication;

import io.github.durablesqlite.replica.LtxFileInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When each level (1..8 and the snapshot level 9) is due, on wall-clock boundaries of its interval
 * counted from the Unix epoch (a 5 min level runs at :00, :05, :10 ...), as Litestream schedules
 * them. A level whose newest file was written before the current boundary is due at once, so a
 * restart catches up with what it missed, but a restart never runs a level twice in one interval.
 * Due times are computed from instants the caller passes (taken from the injected clock), so a test
 * moves time by moving its clock.
 */
final class CompactionSchedule {
    private final HistoryOptions options;
    private final Instant[] due = new Instant[HistoryOptions.SNAPSHOT_LEVEL + 1];

    CompactionSchedule(HistoryOptions options) {
        this.options = options;
    }

    /** The latest boundary at or before {@code now}. */
    static Instant previousBoundary(Instant now, Duration interval) {
        long millis = interval.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), millis) * millis);
    }

    /** The first boundary after {@code now}. */
    static Instant nextBoundary(Instant now, Duration interval) {
        return previousBoundary(now, interval).plus(interval);
    }

    Duration interval(int level) {
        return level == HistoryOptions.SNAPSHOT_LEVEL ? options.snapshotInterval() : options.interval(level);
    }

    /** Levels that run here: 1..top, then the snapshot level. */
    List<Integer> levels() {
        List<Integer> levels = new ArrayList<>();
        for (int level = 1; level <= options.topLevel(); level++) {
            levels.add(level);
        }
        levels.add(HistoryOptions.SNAPSHOT_LEVEL);
        return levels;
    }

    /** Sets each level due now, or at its next boundary if its newest file is from this interval already. */
    void start(ReplicaIndex index, Instant now) {
        for (int level : levels()) {
            LtxFileInfo last = index.last(level);
            boolean doneThisInterval = last != null && last.createdAt() != null
                    && !last.createdAt().isBefore(previousBoundary(now, interval(level)));
            due[level] = doneThisInterval ? nextBoundary(now, interval(level)) : now;
        }
    }

    /** Levels due at {@code now}, lowest first (a level then merges what the one below just made). */
    List<Integer> dueLevels(Instant now) {
        List<Integer> result = new ArrayList<>();
        for (int level : levels()) {
            if (due[level] != null && !due[level].isAfter(now)) {
                result.add(level);
            }
        }
        return result;
    }

    /** A level ran (or had nothing to do) at {@code now}: it is next due at the following boundary. */
    void ran(int level, Instant now) {
        due[level] = nextBoundary(now, interval(level));
    }

    /** A level failed: try again after {@code delay}, before its next boundary if that is later. */
    void retryAfter(int level, Instant now, Duration delay) {
        Instant retry = now.plus(delay);
        Instant boundary = nextBoundary(now, interval(level));
        due[level] = retry.isBefore(boundary) ? retry : boundary;
    }

    /** The earliest due time of any level. */
    Instant nextDue() {
        Instant next = null;
        for (Instant instant : due) {
            if (instant != null && (next == null || instant.isBefore(next))) {
                next = instant;
            }
        }
        return next;
    }
}
