package io.github.durablesqlite.replica;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Uploads a local file in parts, one after another, each streamed from its byte range of the file.
 * The SDK's transfer manager needs the async client (netty or CRT), which this module leaves out.
 */
final class S3MultipartUpload {

    private static final Logger log = LoggerFactory.getLogger(S3ReplicaClient.class);

    private S3MultipartUpload() {
    }

    static void upload(S3Client s3, String bucket, String key, Path source, long size, long partSize,
                       Map<String, String> metadata) {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).metadata(metadata)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                long start = offset;
                long length = Math.min(partSize, size - offset);
                int partNumber = number;
                UploadPartResponse part = s3.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber).contentLength(length),
                        RequestBody.fromContentProvider(() -> FileRangeStream.open(source, start, length), length,
                                "application/octet-stream"));
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(part.eTag()).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (RuntimeException e) {
            // Parts of an unfinished upload are stored (and billed) until it is aborted.
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (SdkException abortFailed) {
                log.warn("s3://{}/{} - could not abort failed multipart upload {}: {}", bucket, key, uploadId,
                        abortFailed.getMessage());
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }
}
