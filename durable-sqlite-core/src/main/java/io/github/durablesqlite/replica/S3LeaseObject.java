package io.github.durablesqlite.replica;

import java.io.IOException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The lease object on S3, written with conditional requests: PutObject with {@code If-None-Match: *}
 * to create, with {@code If-Match: <ETag>} to replace, DeleteObject with {@code If-Match} to delete.
 * AWS S3 evaluates both conditions atomically; a store that ignores them gives no protection, which
 * is why docs/reliability.md lists what a store must do.
 */
final class S3LeaseObject implements LeaseStore {
    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final S3Errors errors;

    S3LeaseObject(S3Client s3, String bucket, String key, S3Errors errors) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.errors = errors;
    }

    @Override
    public String describe() {
        return "s3://" + bucket + "/" + key;
    }

    @Override
    public Versioned read() throws IOException {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
            return new Versioned(bytes.asByteArray(), bytes.response().eTag());
        } catch (NoSuchKeyException e) {
            return null;
        } catch (SdkException e) {
            throw errors.translate("read", key, e);
        }
    }

    @Override
    public String create(byte[] content) throws IOException {
        try {
            return s3.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch("*").contentType("application/json"),
                    RequestBody.fromBytes(content)).eTag();
        } catch (SdkException e) {
            if (lostRace(e)) {
                return null;
            }
            throw errors.translate("create", key, e);
        }
    }

    @Override
    public String replace(byte[] content, String version) throws IOException {
        try {
            return s3.putObject(b -> b.bucket(bucket).key(key).ifMatch(version).contentType("application/json"),
                    RequestBody.fromBytes(content)).eTag();
        } catch (NoSuchKeyException e) {
            return null;
        } catch (SdkException e) {
            if (lostRace(e)) {
                return null;
            }
            throw errors.translate("replace", key, e);
        }
    }

    @Override
    public boolean delete(String version) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key).ifMatch(version));
            return true;
        } catch (NoSuchKeyException e) {
            return true;
        } catch (SdkException e) {
            if (lostRace(e)) {
                return false;
            }
            if (e instanceof AwsServiceException service && service.statusCode() == 404) {
                return true;
            }
            throw errors.translate("delete", key, e);
        }
    }

    /**
     * 412 PreconditionFailed: the condition did not hold. 409 ConditionalRequestConflict: AWS S3 saw
     * a concurrent conditional write to the key; either way another writer got there first.
     */
    private static boolean lostRace(SdkException e) {
        return e instanceof AwsServiceException service
                && (service.statusCode() == 412 || service.statusCode() == 409);
    }
}
