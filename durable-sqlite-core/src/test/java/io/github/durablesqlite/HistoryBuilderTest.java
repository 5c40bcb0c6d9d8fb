package io.github.durablesqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The history settings on the builder: single values checked at once, combinations by build(). */
class HistoryBuilderTest {
    private static DurableSqlite.Builder builder() {
        return DurableSqlite.configure().path("app.db").replicaUrl("file:///tmp/replica");
    }

    @Test
    void defaultsAreLitestreams() {
        var history = builder().replicationOptions().history();
        assertThat(history.levelIntervals())
                .containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1));
        assertThat(history.snapshotInterval()).isEqualTo(Duration.ofHours(24));
        assertThat(history.retention()).isEqualTo(Duration.ofHours(24));
        assertThat(history.l0Retention()).isEqualTo(Duration.ofMinutes(5));
        assertThat(history.verifyInterval()).isNull();
    }

    @Test
    void settingsReachTheEngine() {
        var history = builder().compactionIntervals(Duration.ofSeconds(10), Duration.ofMinutes(1))
                .snapshotInterval(Duration.ofHours(6)).retention(Duration.ofDays(7)).l0Retention(Duration.ZERO)
                .verifyInterval(Duration.ofHours(12)).replicationOptions().history();
        assertThat(history.levelIntervals()).containsExactly(Duration.ofSeconds(10), Duration.ofMinutes(1));
        assertThat(history.snapshotInterval()).isEqualTo(Duration.ofHours(6));
        assertThat(history.retention()).isEqualTo(Duration.ofDays(7));
        assertThat(history.l0Retention()).isZero();
        assertThat(history.verifyInterval()).isEqualTo(Duration.ofHours(12));
        assertThat(builder().verifyInterval(Duration.ofHours(1)).verifyInterval(Duration.ZERO)
                .replicationOptions().history().verifyInterval()).isNull();
    }

    @Test
    void badSingleValuesAreRejectedAtOnce() {
        assertThatThrownBy(() -> builder().compactionIntervals(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("compaction interval");
        assertThatThrownBy(() -> builder().compactionIntervals(new Duration[9]))
                .isInstanceOf(NullPointerException.class);
        Duration[] nine = new Duration[9];
        java.util.Arrays.fill(nine, Duration.ofMinutes(1));
        assertThatThrownBy(() -> builder().compactionIntervals(nine))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 8");
        assertThatThrownBy(() -> builder().snapshotInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshotInterval");
        assertThatThrownBy(() -> builder().retention(Duration.ofHours(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
        assertThatThrownBy(() -> builder().l0Retention(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("l0Retention");
        assertThatThrownBy(() -> builder().verifyInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("verifyInterval");
    }

    @Test
    void aLevelRunningMoreOftenThanTheOneBelowIsRejectedByBuild() {
        DurableSqlite.Builder builder = builder().compactionIntervals(Duration.ofMinutes(5), Duration.ofSeconds(30));
        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("compaction level 2");
    }
}
