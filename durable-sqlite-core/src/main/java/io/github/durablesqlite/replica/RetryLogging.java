package io.github.durablesqlite.replica;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RecordSuccessResponse;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * The SDK's retry strategy with a WARN line for every retry it decides to make. The SDK itself
 * retries silently, and a replica that only works on the third attempt is worth knowing about.
 */
final class RetryLogging implements RetryStrategy {

    private static final Logger log = LoggerFactory.getLogger(S3ReplicaClient.class);

    private final RetryStrategy delegate;
    private final String where;

    RetryLogging(RetryStrategy delegate, String where) {
        this.delegate = delegate;
        this.where = where;
    }

    @Override
    public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request) {
        return delegate.acquireInitialToken(request);
    }

    @Override
    public RefreshRetryTokenResponse refreshRetryToken(RefreshRetryTokenRequest request) {
        // Throws when the strategy gives up; only a retry that will happen is logged.
        RefreshRetryTokenResponse response = delegate.refreshRetryToken(request);
        log.warn("{} - S3 request failed, retrying in {} ms: {}", where, response.delay().toMillis(),
                summary(request.failure()));
        return response;
    }

    @Override
    public RecordSuccessResponse recordSuccess(RecordSuccessRequest request) {
        return delegate.recordSuccess(request);
    }

    @Override
    public int maxAttempts() {
        return delegate.maxAttempts();
    }

    @Override
    public boolean useClientDefaults() {
        return delegate.useClientDefaults();
    }

    @Override
    public Builder<?, ?> toBuilder() {
        return delegate.toBuilder();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private static String summary(Throwable failure) {
        if (failure instanceof AwsServiceException e && e.awsErrorDetails() != null) {
            return "HTTP " + e.statusCode() + " " + e.awsErrorDetails().errorCode();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
