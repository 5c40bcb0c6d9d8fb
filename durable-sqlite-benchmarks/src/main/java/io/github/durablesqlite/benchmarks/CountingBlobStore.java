package io.github.durablesqlite.benchmarks;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The store as the server sees it: counts every request by the first segment of its key (each
 * contender writes under its own prefix, so this counts per client), and records when each PUT
 * and each GET was served. The PUT times are "the object is in the store" for the lag scenario:
 * taken inside the server when the write returns, so measuring costs no polling request.
 */
final class CountingBlobStore extends ForwardingBlobStore {
    /** One write into the store: its key, size and when the server began and finished it ({@link System#nanoTime()}). */
    record Put(String key, long bytes, long startNanos, long endNanos) {}

    private final Map<String, Map<String, AtomicLong>> counts = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentLinkedQueue<Put>> puts = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentLinkedQueue<String>> gets = new ConcurrentHashMap<>();

    CountingBlobStore(BlobStore delegate) {
        super(delegate);
    }

    /** Requests under {@code prefix} since the last {@link #reset}, by S3 operation name. */
    Map<String, Long> requests(String prefix) {
        Map<String, Long> result = new java.util.TreeMap<>();
        counts.getOrDefault(prefix, Map.of()).forEach((op, n) -> result.put(op, n.get()));
        return result;
    }

    List<Put> puts(String prefix) {
        return List.copyOf(puts.getOrDefault(prefix, new ConcurrentLinkedQueue<>()));
    }

    /** Keys read by GET under {@code prefix}, in order, duplicates included. */
    List<String> gets(String prefix) {
        return List.copyOf(gets.getOrDefault(prefix, new ConcurrentLinkedQueue<>()));
    }

    void reset(String prefix) {
        counts.remove(prefix);
        puts.remove(prefix);
        gets.remove(prefix);
    }

    private void count(String key, String operation) {
        // The replica lease is counted apart: it is what one-writer-per-replica costs, not replication.
        String counted = key != null && key.endsWith("lease.json") ? "lease " + operation : operation;
        counts.computeIfAbsent(first(key), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(counted, k -> new AtomicLong()).incrementAndGet();
    }

    private static String first(String key) {
        if (key == null) {
            return "";
        }
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        count(request.prefix(), "LIST");
        return super.list(request);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
        count(request.key(), "PUT");
        long start = System.nanoTime();
        PutObjectResponse response = super.putBlob(request, input);
        long length = request.contentLength() == null ? -1 : request.contentLength();
        puts.computeIfAbsent(first(request.key()), k -> new ConcurrentLinkedQueue<>())
                .add(new Put(request.key(), length, start, System.nanoTime()));
        return response;
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        count(request.destinationKey(), "COPY");
        return super.copyBlob(request);
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        // S3Proxy answers a conditional PUT (the lease's If-Match) by looking up the object's metadata
        // itself; durable-sqlite never sends HEAD for the lease, so that lookup is not a client request.
        if (request.key() == null || !request.key().endsWith("lease.json")) {
            count(request.key(), "HEAD");
        }
        return super.blobMetadata(request);
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        count(request.key(), "GET");
        gets.computeIfAbsent(first(request.key()), k -> new ConcurrentLinkedQueue<>()).add(request.key());
        return super.getBlob(request);
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        count(request.key(), "DELETE");
        return super.removeBlob(request);
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        count(request.key(), "POST");
        return super.initiateMultipartUpload(request);
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request, InputStream input) {
        count(request.key(), "PUT");
        return super.uploadMultipartPart(upload, request, input);
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
            CompleteMultipartUploadRequest request) {
        count(request.key(), "POST");
        long start = System.nanoTime();
        CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
        puts.computeIfAbsent(first(request.key()), k -> new ConcurrentLinkedQueue<>())
                .add(new Put(request.key(), -1, start, System.nanoTime()));
        return response;
    }
}
