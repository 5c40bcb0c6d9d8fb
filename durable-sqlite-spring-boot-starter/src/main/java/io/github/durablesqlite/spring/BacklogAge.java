package io.github.durablesqlite.spring;

import io.github.durablesqlite.ReplicationStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * How long changes have waited for the replica, as one observer (the health indicator, a gauge)
 * sees it. When the status says when the oldest waiting change was made, that is the answer.
 * Without it, {@link ReplicationStatus#lag} counts from the last upload, so the first
 * commit after an idle hour reads as an hour of lag until its upload lands a few milliseconds
 * later; a health probe in that window would report DOWN. This caps the engine's figure at how
 * long this observer has seen the same backlog: a real outage still grows past any limit, one
 * observation interval later.
 */
final class BacklogAge {

    private Instant firstSeen;
    private long remoteTxidWhenSeen;

    synchronized Duration lag(ReplicationStatus status, Instant now) {
        if (status.oldestPendingAt() != null) {
            return status.lag(now); // the engine knows when the oldest waiting change was made
        }
        if (status.pendingTxids() == 0) {
            firstSeen = null;
            return Duration.ZERO;
        }
        if (firstSeen == null || status.remoteTxid() != remoteTxidWhenSeen) {
            // A new backlog, or the old one is draining: what waits now waited at most since here.
            firstSeen = now;
            remoteTxidWhenSeen = status.remoteTxid();
        }
        Duration seen = Duration.between(firstSeen, now);
        Duration engine = status.lag(now);
        return engine.compareTo(seen) < 0 ? engine : seen;
    }
}
