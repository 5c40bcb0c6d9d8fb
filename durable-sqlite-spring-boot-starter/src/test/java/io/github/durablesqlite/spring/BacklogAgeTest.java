package io.github.durablesqlite.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.ReplicationStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Lag as an observer sees it: a backlog's age, never more than the engine's figure. */
class BacklogAgeTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private final BacklogAge backlog = new BacklogAge();

    private static ReplicationStatus pending(long local, long remote, Instant lastUploadAt) {
        return new ReplicationStatus(local, remote, lastUploadAt, NOW, local, 0, null);
    }

    @Test
    void theFirstCommitAfterAnIdleHourIsNotAnHourLate() {
        // The engine reads an hour: the last upload was an hour ago, and this commit's is in flight.
        ReplicationStatus status = pending(11, 10, NOW.minus(Duration.ofHours(1)));
        assertThat(status.lag(NOW)).isEqualTo(Duration.ofHours(1));
        assertThat(backlog.lag(status, NOW)).isZero();
    }

    @Test
    void aBacklogThatStaysGrowsWithTimeUpToTheEnginesFigure() {
        Instant lastUpload = NOW.minus(Duration.ofHours(1));
        backlog.lag(pending(11, 10, lastUpload), NOW);
        assertThat(backlog.lag(pending(12, 10, lastUpload), NOW.plusSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThat(backlog.lag(pending(15, 10, lastUpload), NOW.plusSeconds(90))).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void neverMoreThanTheEngineSays() {
        backlog.lag(pending(11, 10, NOW.minusSeconds(1)), NOW);
        assertThat(backlog.lag(pending(11, 10, NOW.plusSeconds(55)), NOW.plusSeconds(60)))
                .isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void progressOrCatchingUpStartsOver() {
        Instant lastUpload = NOW.minus(Duration.ofHours(1));
        backlog.lag(pending(11, 10, lastUpload), NOW);
        assertThat(backlog.lag(pending(12, 11, NOW.plusSeconds(20)), NOW.plusSeconds(30))).isZero();
        assertThat(backlog.lag(pending(12, 12, NOW.plusSeconds(40)), NOW.plusSeconds(40))).isZero();
        assertThat(backlog.lag(pending(13, 12, NOW.plusSeconds(40)), NOW.plusSeconds(50))).isZero();
        assertThat(backlog.lag(pending(13, 12, NOW.plusSeconds(40)), NOW.plusSeconds(58)))
                .isEqualTo(Duration.ofSeconds(8));
    }
}
