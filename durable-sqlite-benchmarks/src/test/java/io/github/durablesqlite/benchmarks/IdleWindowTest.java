package io.github.durablesqlite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The idle window starts after the compaction the writes made due, and never spans a higher level's boundary. */
class IdleWindowTest {
    private static final List<Long> LEVELS = List.of(30_000L, 300_000L, 3_600_000L);

    @Test
    void startsAfterTheFirstLevelsNextBoundary() {
        assertThat(LagScenario.idleWindowStart(3_601_000, LEVELS, 15_000, 3_000)).isEqualTo(3_633_000);
        assertThat(LagScenario.idleWindowStart(3_629_999, LEVELS, 15_000, 3_000)).isEqualTo(3_633_000);
    }

    @Test
    void aShortWindowAfterTheFirstLevelsBoundaryCannotReachTheNextLevels() {
        // Level 1 runs at 3,870 s; the window 3,873 - 3,888 s ends before level 2's boundary at 3,900 s.
        assertThat(LagScenario.idleWindowStart(3_841_000, LEVELS, 15_000, 3_000)).isEqualTo(3_873_000);
    }

    @Test
    void aLongWindowMovesPastAHigherLevelsBoundaryInsideIt() {
        // Level 1 runs at 3,870 s; a 120 s window from 3,873 s would span level 2's boundary at 3,900 s.
        assertThat(LagScenario.idleWindowStart(3_841_000, LEVELS, 120_000, 3_000)).isEqualTo(3_903_000);
        // Level 2's boundary at 7,200 s is also level 3's: one move covers both, and the window ends
        // before level 2's next boundary.
        long start = LagScenario.idleWindowStart(7_051_000, LEVELS, 120_000, 3_000);
        assertThat(start).isEqualTo(7_203_000);
        assertThat(start + 120_000).isLessThan(7_500_000);
    }
}
