package io.github.durablesqlite.replica;

import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the AWS SDK client for a replica URL: HTTP client, retries, region, credentials, checksums. */
final class S3SdkClients {

    static final String ACCESS_KEY_ID = "LITESTREAM_ACCESS_KEY_ID";
    static final String SECRET_ACCESS_KEY = "LITESTREAM_SECRET_ACCESS_KEY";

    private S3SdkClients() {
    }

    static S3Client build(ReplicaUrl url, Region region, AwsCredentialsProvider credentials,
                          S3Settings settings, String where) {
        S3ClientBuilder builder = S3Client.builder()
                // Given as a builder, the HTTP client belongs to the S3 client and closes with it.
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(settings.connectTimeout())
                        .socketTimeout(settings.socketTimeout())
                        .connectionAcquisitionTimeout(settings.socketTimeout())
                        .maxConnections(Math.max(50, 2 * settings.metadataConcurrency())))
                .credentialsProvider(credentials)
                .region(region)
                .forcePathStyle(url.forcePathStyle())
                // Over plain HTTP the SDK would send uploads as aws-chunked streams with per-chunk
                // signatures, which some S3-compatible stores mangle; a plain body signed with its
                // SHA-256 (the source is a re-readable file) is what Litestream's Go SDK sends too.
                .serviceConfiguration(c -> c.chunkedEncodingEnabled(false))
                .overrideConfiguration(o -> o.retryStrategy(retryStrategy(settings, where)));
        if (url.endpoint() != null) {
            builder.endpointOverride(url.endpoint());
        } else if (url.region() == null) {
            // Without a configured region the bucket may live elsewhere; follow S3's redirect.
            builder.crossRegionAccessEnabled(true);
        }
        if (settings.checksumsWhenRequired()) {
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }

    /**
     * Standard mode, explicitly: exponential backoff with jitter for throttling, 5xx and I/O faults,
     * and no retry quota. The quota only refills on success, so a long outage would drain it and
     * then fail every later request at once, just when retrying matters (Litestream dropped it too).
     */
    static RetryStrategy retryStrategy(S3Settings settings, String where) {
        RetryStrategy standard = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(settings.maxAttempts())
                .backoffStrategy(BackoffStrategy.exponentialDelay(settings.baseDelay(), settings.maxDelay()))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(
                        settings.baseDelay().multipliedBy(5), settings.maxDelay().multipliedBy(4)))
                .circuitBreakerEnabled(false)
                .build();
        return new RetryLogging(standard, where);
    }

    /**
     * The URL's region; else us-east-1 for a custom endpoint (S3-compatible stores mostly ignore
     * it); else the SDK's settings (AWS_REGION, the profile) but not the EC2 metadata service, whose
     * probe stalls for seconds off EC2; else us-east-1 with cross-region access.
     */
    static Region region(ReplicaUrl url) {
        if (url.region() != null) {
            return Region.of(url.region());
        }
        if (url.endpoint() != null) {
            return Region.US_EAST_1;
        }
        try {
            return new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
                    .getRegion();
        } catch (SdkClientException noRegionConfigured) {
            return Region.US_EAST_1;
        }
    }

    /** LITESTREAM_ACCESS_KEY_ID / LITESTREAM_SECRET_ACCESS_KEY from env, else the AWS default chain. */
    static AwsCredentialsProvider credentials(Map<String, String> env) {
        String id = blankToNull(env.get(ACCESS_KEY_ID));
        String secret = blankToNull(env.get(SECRET_ACCESS_KEY));
        if (id != null && secret != null) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
        }
        if (id != null || secret != null) {
            throw new IllegalArgumentException((id != null ? ACCESS_KEY_ID : SECRET_ACCESS_KEY) + " is set but "
                    + (id != null ? SECRET_ACCESS_KEY : ACCESS_KEY_ID) + " is not: set both, or neither to use"
                    + " the AWS default credentials");
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /** The secret in use, so messages can be scrubbed of it; null when the AWS chain supplies it. */
    static String secret(Map<String, String> env) {
        return blankToNull(env.get(SECRET_ACCESS_KEY));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
