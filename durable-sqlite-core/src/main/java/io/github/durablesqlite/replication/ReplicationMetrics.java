package io.github.durablesqlite.replication;

/**
 * What the engine reports as it works. Every method defaults to doing nothing, so a tracker
 * implements only what it records; the Spring Boot starter binds one to Micrometer.
 */
public interface ReplicationMetrics {
    ReplicationMetrics NONE = new ReplicationMetrics() {};

    /** A sync staged one LTX file. */
    default void synced(long txid, int pages, long bytes, long nanos) {}

    /** A sync failed; it will be tried again. */
    default void syncFailed() {}

    /** One staged file reached the replica. */
    default void uploaded(long bytes, long nanos) {}

    /** An upload attempt failed; it will be retried. */
    default void uploadFailed() {}

    /** A checkpoint ran; {@code complete} when every WAL frame was copied into the database. */
    default void checkpointed(boolean complete) {}

    /**
     * One request to the replica's store.
     *
     * @param operation {@code list}, {@code open}, {@code write} or {@code delete}
     * @param outcome   {@code success} or {@code error}
     */
    default void storeRequest(String operation, String outcome, long nanos) {}

    /** A restore finished. */
    default void restored(long txid, long bytes, long nanos) {}
}
