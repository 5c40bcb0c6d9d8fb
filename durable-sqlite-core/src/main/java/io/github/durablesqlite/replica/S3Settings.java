package io.github.durablesqlite.replica;

import java.time.Duration;

/**
 * Tunables of the S3 client. The defaults suit production; tests shrink part sizes and attempts.
 *
 * @param partSize              files larger than this go up as multipart uploads of parts this big
 * @param maxAttempts           attempts per request, the first included, before a fault is reported
 * @param baseDelay             first retry delay; it doubles per attempt, with jitter
 * @param maxDelay              upper bound of one retry delay
 * @param connectTimeout        bound on opening a connection, so a dead network fails in bounded time
 * @param socketTimeout         bound on waiting for bytes on an open connection
 * @param metadataConcurrency   parallel HEAD requests when a listing reads timestamps
 * @param checksumsWhenRequired send and check the SDK's CRC checksums only where S3 requires them;
 *                              many S3-compatible stores reject the SDK's default aws-chunked trailers
 */
record S3Settings(long partSize, int maxAttempts, Duration baseDelay, Duration maxDelay,
                  Duration connectTimeout, Duration socketTimeout, int metadataConcurrency,
                  boolean checksumsWhenRequired) {

    static final long DEFAULT_PART_SIZE = 16L * 1024 * 1024;

    /**
     * Five attempts with delays of at most 0.2 + 0.4 + 0.8 + 1.6 s: an outage is reported within
     * seconds (plus connect timeouts) and the replicator, which stages files locally, retries later.
     */
    static final S3Settings DEFAULTS = new S3Settings(DEFAULT_PART_SIZE, 5, Duration.ofMillis(200),
            Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30), 16, true);

    S3Settings {
        if (partSize < ReplicaUrlParser.MIN_PART_SIZE || partSize > ReplicaUrlParser.MAX_PART_SIZE) {
            throw new IllegalArgumentException("part size must be from 5 MiB to 5 GiB (S3's limits): " + partSize);
        }
        if (maxAttempts < 1 || metadataConcurrency < 1) {
            throw new IllegalArgumentException("maxAttempts and metadataConcurrency must be positive");
        }
    }

    S3Settings withPartSize(long bytes) {
        return new S3Settings(bytes, maxAttempts, baseDelay, maxDelay, connectTimeout, socketTimeout,
                metadataConcurrency, checksumsWhenRequired);
    }

    S3Settings withMaxAttempts(int attempts) {
        return new S3Settings(partSize, attempts, baseDelay, maxDelay, connectTimeout, socketTimeout,
                metadataConcurrency, checksumsWhenRequired);
    }

    S3Settings withChecksumsWhenRequired(boolean whenRequired) {
        return new S3Settings(partSize, maxAttempts, baseDelay, maxDelay, connectTimeout, socketTimeout,
                metadataConcurrency, whenRequired);
    }

    /** The settings for a URL: its part size, if it names one, over these. */
    S3Settings forUrl(ReplicaUrl url) {
        return url.partSize() > 0 ? withPartSize(url.partSize()) : this;
    }
}
