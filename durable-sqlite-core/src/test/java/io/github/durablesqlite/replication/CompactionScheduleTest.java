package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.replica.LtxFileInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactionScheduleTest {
    private static final Instant T = Instant.parse("2026-03-02T10:07:12.345Z");

    @Test
    void boundariesAreWallClockAligned() {
        assertThat(CompactionSchedule.previousBoundary(T, Duration.ofSeconds(30))).isEqualTo("2026-03-02T10:07:00Z");
        assertThat(CompactionSchedule.nextBoundary(T, Duration.ofMinutes(5))).isEqualTo("2026-03-02T10:10:00Z");
        assertThat(CompactionSchedule.nextBoundary(T, Duration.ofHours(24))).isEqualTo("2026-03-03T00:00:00Z");
        Instant exact = Instant.parse("2026-03-02T10:10:00Z");
        assertThat(CompactionSchedule.previousBoundary(exact, Duration.ofMinutes(5))).isEqualTo(exact);
        assertThat(CompactionSchedule.nextBoundary(exact, Duration.ofMinutes(5))).isEqualTo("2026-03-02T10:15:00Z");
    }

    @Test
    void aLevelRunsAtStartUnlessItRanSinceItsLastBoundary() {
        CompactionSchedule schedule = new CompactionSchedule(HistoryOptions.defaults());
        ReplicaIndex index = new ReplicaIndex(List.of(
                new LtxFileInfo(1, 1, 5, 10, Instant.parse("2026-03-02T10:07:01Z")), // this 30 s interval
                new LtxFileInfo(2, 1, 5, 10, Instant.parse("2026-03-02T10:04:59Z")), // before 10:05
                new LtxFileInfo(9, 1, 5, 10, Instant.parse("2026-03-02T00:00:00Z")))); // today's
        schedule.start(index, T);
        assertThat(schedule.dueLevels(T)).containsExactly(2, 3);
        schedule.ran(2, T);
        schedule.ran(3, T);
        assertThat(schedule.nextDue()).isEqualTo("2026-03-02T10:07:30Z");
        assertThat(schedule.dueLevels(Instant.parse("2026-03-02T10:10:00Z"))).containsExactly(1, 2);
        assertThat(schedule.dueLevels(Instant.parse("2026-03-03T00:00:00Z"))).containsExactly(1, 2, 3, 9);
    }

    @Test
    void aFailedLevelIsRetriedSoonButNotPastItsNextBoundary() {
        CompactionSchedule schedule = new CompactionSchedule(HistoryOptions.defaults());
        schedule.start(new ReplicaIndex(List.of()), T);
        schedule.retryAfter(3, T, Duration.ofSeconds(10));
        schedule.retryAfter(1, T, Duration.ofMinutes(10));
        assertThat(schedule.dueLevels(T.plusSeconds(10))).contains(3);
        assertThat(schedule.dueLevels(Instant.parse("2026-03-02T10:07:30Z"))).contains(1);
    }
}
