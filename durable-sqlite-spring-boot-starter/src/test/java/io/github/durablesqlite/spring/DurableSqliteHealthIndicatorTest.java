package io.github.durablesqlite.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.ReplicationException;
import io.github.durablesqlite.ReplicationStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** When the durableSqlite component is UP or DOWN, and what it shows. */
class DurableSqliteHealthIndicatorTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final String URL = "s3://bucket/app?endpoint=http://127.0.0.1:9000&force-path-style=true";

    private final MutableClock clock = new MutableClock(NOW);
    private ReplicationStatus status;
    private final DurableSqliteHealthIndicator indicator = new DurableSqliteHealthIndicator(() -> status, URL,
            Duration.ofMinutes(1), 3, clock);

    private Health health(ReplicationStatus current) {
        status = current;
        return indicator.health();
    }

    /** Probes once, then again {@code later} with the same backlog, as a probe loop would. */
    private Health healthAfter(Duration later, ReplicationStatus current) {
        health(current);
        clock.advance(later);
        return health(current);
    }

    @Test
    void upWhileCaughtUpWithEveryDetail() {
        Health health = health(new ReplicationStatus(0x2a, 0x2a, NOW.minusSeconds(3), NOW.minusMillis(200), 42, 0, null));
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails())
                .containsEntry("localTxid", "000000000000002a")
                .containsEntry("remoteTxid", "000000000000002a")
                .containsEntry("pendingTxids", 0L)
                .containsEntry("lag", "PT0S")
                .containsEntry("lastUploadAt", "2026-01-02T03:04:02Z")
                .containsEntry("lastSyncAt", "2026-01-02T03:04:04.800Z")
                .containsEntry("failedUploads", 0)
                .containsEntry("replica", "s3://bucket/app")
                .doesNotContainKeys("lastError", "reason");
    }

    @Test
    void downAtOnceWhenAnotherInstanceTookTheReplicaOver() {
        indicator.withLeaseProblem(() -> "app.db - lost the lease on replica s3://bucket/app to host web-2");
        Health health = health(new ReplicationStatus(3, 3, NOW, NOW, 3, 0, "app.db - lost the lease"));
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("reason",
                "app.db - lost the lease on replica s3://bucket/app to host web-2");
    }

    @Test
    void upWhileBehindWithinTheLimit() {
        Health health = healthAfter(Duration.ofMillis(200),
                new ReplicationStatus(12, 10, NOW.minusSeconds(1), NOW, 12, 1, "connection refused"));
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("pendingTxids", 2L).containsEntry("lag", "PT0.2S")
                .containsEntry("failedUploads", 1).containsEntry("lastError", "connection refused");
    }

    @Test
    void downAtTheLimitOfFailedUploads() {
        Health health = health(new ReplicationStatus(12, 10, NOW.minusSeconds(2), NOW, 12, 3, "connection refused"));
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("failedUploads", 3)
                .containsEntry("lastError", "connection refused")
                .containsEntry("reason", "3 consecutive replica requests failed (limit 3)");
    }

    @Test
    void downWhenChangesWaitLongerThanTheMaximumLag() {
        Health health = healthAfter(Duration.ofSeconds(61), new ReplicationStatus(12, 10, NOW, NOW, 12, 0, null));
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("lag", "PT1M1S")
                .containsEntry("reason", "changes have waited PT1M1S for the replica (limit PT1M)");
    }

    @Test
    void exactlyTheMaximumLagIsStillUp() {
        assertThat(healthAfter(Duration.ofSeconds(60), new ReplicationStatus(12, 10, NOW, NOW, 12, 0, null))
                .getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void theFirstCommitAfterAnIdleSpellIsNotReportedAsLag() {
        // The last upload was an hour ago and this commit's upload is in flight: the engine says an hour.
        Health health = health(new ReplicationStatus(11, 10, NOW.minus(Duration.ofHours(1)), NOW, 11, 0, null));
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("lag", "PT0S").containsEntry("pendingTxids", 1L);
    }

    @Test
    void theEnginesOldestPendingChangeCountsFromTheFirstProbe() {
        // A probe arriving in the middle of an outage sees its whole length at once.
        Health health = health(new ReplicationStatus(12, 10, NOW.minusSeconds(90), NOW, 12, 0, null,
                NOW.minusSeconds(75)));
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("lag", "PT1M15S");
    }

    @Test
    void pastTheCommitMaxLagNewCommitsAreHeldBackAndHealthSaysSo() {
        indicator.withCommitMaxLag(Duration.ofSeconds(5), "wait");
        status = new ReplicationStatus(12, 10, NOW.minusSeconds(9), NOW, 12, 0, null, NOW.minusSeconds(6));
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("reason",
                "changes have waited PT6S for the replica, more than max-lag PT5S: new commits are held back");
        status = new ReplicationStatus(12, 10, NOW.minusSeconds(9), NOW, 12, 0, null, NOW.minusSeconds(4));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void beforeTheFirstUploadNothingIsShownAsNever() {
        Health health = health(new ReplicationStatus(0, 0, null, null, 0, 0, null));
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).doesNotContainKeys("lastUploadAt", "lastSyncAt", "lastError");
    }

    @Test
    void downWhenReplicationCannotStart() {
        Health health = new DurableSqliteHealthIndicator(() -> {
            throw new ReplicationException("app.db - cannot open database for replication");
        }, URL, Duration.ofMinutes(1), 3, Clock.systemUTC()).health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("reason", "replication is not running")
                .containsEntry("lastError", "app.db - cannot open database for replication")
                .containsEntry("replica", "s3://bucket/app");
    }

    @Test
    void theReplicaIsShownWithoutQueryFragmentOrUserInfo() {
        assertThat(DurableSqliteHealthIndicator.withoutQuery("file:///var/backups/app")).isEqualTo("file:///var/backups/app");
        assertThat(DurableSqliteHealthIndicator.withoutQuery("s3://bucket/app#x?y")).isEqualTo("s3://bucket/app");
        assertThat(DurableSqliteHealthIndicator.withoutQuery("s3://user:pass@bucket/app?k=v")).isEqualTo("s3://bucket/app");
    }

    @Test
    void aFailedRestoreDrillIsDownAndAPassedOneIsShown() {
        io.github.durablesqlite.Verification failed = new io.github.durablesqlite.Verification(NOW, false, 0, null, 0, 3,
                Duration.ofSeconds(1), "invalid LTX file s3://bucket/app level 0 0000000000000002-0000000000000002.ltx");
        status = new ReplicationStatus(0x2a, 0x2a, NOW.minusSeconds(3), NOW.minusMillis(200), 42, 0, null);
        Health down = indicator.withLastDrill(() -> failed).health();
        assertThat(down.getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.DOWN);
        assertThat(String.valueOf(down.getDetails().get("reason"))).contains("restore drill failed", "0000000000000002");

        io.github.durablesqlite.Verification passed = new io.github.durablesqlite.Verification(NOW, true, 0x2a, NOW, 8192, 3,
                Duration.ofSeconds(1), null);
        Health up = indicator.withLastDrill(() -> passed).health();
        assertThat(up.getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.UP);
        assertThat(String.valueOf(up.getDetails().get("lastVerification"))).startsWith("ok at");
    }
}
