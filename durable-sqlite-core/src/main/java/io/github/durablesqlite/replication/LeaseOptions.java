package io.github.durablesqlite.replication;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether a replicator takes the replica's lease (one writer per replica), and for how long a lease
 * lasts without renewal. The holder renews every third of {@code ttl}; a successor may take over a
 * lease not renewed for {@code ttl}.
 */
public record LeaseOptions(boolean enabled, Duration ttl) {
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);
    public static final LeaseOptions OFF = new LeaseOptions(false, DEFAULT_TTL);

    public LeaseOptions {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("lease ttl must be positive, was " + ttl);
        }
    }

    /** The lease on, with the default TTL of 30 seconds. */
    public static LeaseOptions defaults() {
        return new LeaseOptions(true, DEFAULT_TTL);
    }
}
