package io.github.durablesqlite.replica;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * A replica in an S3 bucket, laid out as Litestream's S3 client lays it out:
 * {@code <prefix>/<level as 4 hex digits>/<min>-<max>.ltx}, each object carrying its timestamp as
 * {@code litestream-timestamp} user metadata. With an empty prefix the level directories sit at
 * the bucket's root ({@code 0000/...}). Litestream joins prefix and level with a '/' regardless, so
 * for {@code s3://bucket} it uses {@code ./0000/...} and for {@code s3://bucket/} {@code /0000/...}:
 * a replica that Litestream must also read needs a prefix.
 */
final class S3ReplicaClient implements ReplicaClient {

    /** DeleteObjects takes at most this many keys per call. */
    static final int MAX_DELETE_BATCH = 1000;

    private final S3Client s3;
    private final AwsCredentialsProvider credentials;
    private final String bucket;
    private final String prefix;
    private final String description;
    private final S3Settings settings;
    private final S3Errors errors;
    private final ThreadPoolExecutor metadataPool;

    private S3ReplicaClient(ReplicaUrl url, Map<String, String> env, S3Settings settings) {
        this.bucket = url.bucket();
        this.prefix = url.path();
        this.settings = settings;
        this.description = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        Region region = S3SdkClients.region(url);
        String where = url.endpoint() != null ? url.endpoint().toString() : "AWS S3 (region " + region.id() + ")";
        this.errors = new S3Errors(bucket, where, S3SdkClients.secret(env));
        this.credentials = S3SdkClients.credentials(env);
        this.s3 = S3SdkClients.build(url, region, credentials, settings, description);
        this.metadataPool = metadataPool(settings.metadataConcurrency());
    }

    static S3ReplicaClient open(ReplicaUrl url, Map<String, String> env, S3Settings settings) {
        if (!url.isS3()) {
            throw new IllegalArgumentException("not an S3 replica URL: " + url);
        }
        return new S3ReplicaClient(url, env, settings.forUrl(url));
    }

    /** Threads only while HEAD requests run: an idle replica holds none. */
    private static ThreadPoolExecutor metadataPool(int size) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "durable-sqlite-s3-metadata-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public String type() {
        return ReplicaUrl.S3;
    }

    @Override
    public String describe() {
        return description;
    }

    S3Client sdkClient() {
        return s3;
    }

    String levelPrefix(int level) {
        LtxFileInfo.checkLevel(level);
        return root() + String.format("%04x/", level);
    }

    String key(int level, long minTxid, long maxTxid) {
        return levelPrefix(level) + LtxFileNames.format(minTxid, maxTxid);
    }

    /** The lease object {@code <prefix>/lease.json}: beside the level directories, never inside one. */
    @Override
    public LeaseStore leaseStore() {
        return new S3LeaseObject(s3, bucket, root() + LEASE_OBJECT, errors);
    }

    private String root() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    @Override
    public List<LtxFileInfo> listFiles(int level, boolean withTimestamps) throws IOException {
        String levelPrefix = levelPrefix(level);
        List<S3Object> objects = new ArrayList<>();
        List<long[]> ranges = new ArrayList<>();
        // The delimiter keeps objects in deeper "directories" out, as the file client only reads one level.
        ListObjectsV2Request request = ListObjectsV2Request.builder()
                .bucket(bucket).prefix(levelPrefix).delimiter("/").build();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(request).contents()) {
                long[] range = LtxFileNames.parse(object.key().substring(levelPrefix.length()));
                if (range != null) {
                    objects.add(object);
                    ranges.add(range);
                }
            }
        } catch (SdkException e) {
            throw errors.translate("list", levelPrefix, e);
        }
        List<Instant> timestamps = withTimestamps ? timestamps(objects) : null;
        List<LtxFileInfo> files = new ArrayList<>(objects.size());
        for (int i = 0; i < objects.size(); i++) {
            Instant createdAt = timestamps != null && timestamps.get(i) != null
                    ? timestamps.get(i) : objects.get(i).lastModified();
            files.add(new LtxFileInfo(level, ranges.get(i)[0], ranges.get(i)[1], objects.get(i).size(), createdAt));
        }
        files.sort(LtxFileNames.ORDER);
        return files;
    }

    /** The litestream-timestamp of each object, null where absent or unreadable (LastModified stands in). */
    private List<Instant> timestamps(List<S3Object> objects) throws IOException {
        List<Future<Instant>> pending = new ArrayList<>(objects.size());
        for (S3Object object : objects) {
            pending.add(metadataPool.submit(() -> timestamp(object.key())));
        }
        List<Instant> timestamps = new ArrayList<>(objects.size());
        try {
            for (int i = 0; i < pending.size(); i++) {
                timestamps.add(pending.get(i).get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading timestamps of " + description);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SdkException sdk) {
                throw errors.translate("read metadata of", objects.get(timestamps.size()).key(), sdk);
            }
            throw new IOException("reading timestamps of " + description + " failed", e.getCause());
        } finally {
            pending.forEach(f -> f.cancel(true));
        }
        return timestamps;
    }

    private Instant timestamp(String key) {
        try {
            String value = s3.headObject(b -> b.bucket(bucket).key(key)).metadata()
                    .get(LitestreamTimestamp.METADATA_KEY);
            return LitestreamTimestamp.parse(value);
        } catch (NoSuchKeyException deletedSinceListed) {
            return null;
        }
    }

    @Override
    public Instant readTimestamp(LtxFileInfo file) throws IOException {
        String key = key(file.level(), file.minTxid(), file.maxTxid());
        try {
            var head = s3.headObject(b -> b.bucket(bucket).key(key));
            Instant timestamp = LitestreamTimestamp.parse(head.metadata().get(LitestreamTimestamp.METADATA_KEY));
            return timestamp != null ? timestamp : head.lastModified();
        } catch (NoSuchKeyException e) {
            throw errors.noSuchFile(key);
        } catch (SdkException e) {
            throw errors.translate("read metadata of", key, e);
        }
    }

    @Override
    public InputStream openFile(int level, long minTxid, long maxTxid) throws IOException {
        String key = key(level, minTxid, maxTxid);
        try {
            return new S3ObjectStream(s3.getObject(b -> b.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            throw errors.noSuchFile(key);
        } catch (SdkException e) {
            throw errors.translate("read", key, e);
        }
    }

    @Override
    public LtxFileInfo writeFile(int level, long minTxid, long maxTxid, Path source, Instant timestamp)
            throws IOException {
        String key = key(level, minTxid, maxTxid);
        long size = Files.size(source);
        Map<String, String> metadata = Map.of(LitestreamTimestamp.METADATA_KEY, LitestreamTimestamp.format(timestamp));
        try {
            if (size > settings.partSize()) {
                S3MultipartUpload.upload(s3, bucket, key, source, size, settings.partSize(), metadata);
            } else {
                s3.putObject(b -> b.bucket(bucket).key(key).metadata(metadata).contentLength(size),
                        RequestBody.fromFile(source));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (SdkException e) {
            throw errors.translate("upload", key, e);
        }
        return new LtxFileInfo(level, minTxid, maxTxid, size, timestamp);
    }

    @Override
    public void deleteFiles(Collection<LtxFileInfo> files) throws IOException {
        List<String> keys = new ArrayList<>(files.size());
        for (LtxFileInfo file : files) {
            keys.add(key(file.level(), file.minTxid(), file.maxTxid()));
        }
        deleteKeys(keys);
    }

    @Override
    public void deleteAll() throws IOException {
        List<String> keys = new ArrayList<>();
        try {
            s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(root())).contents()
                    .forEach(object -> keys.add(object.key()));
        } catch (SdkException e) {
            throw errors.translate("list", root(), e);
        }
        deleteKeys(keys);
    }

    private void deleteKeys(List<String> keys) throws IOException {
        for (int from = 0; from < keys.size(); from += MAX_DELETE_BATCH) {
            List<ObjectIdentifier> batch = new ArrayList<>();
            for (String key : keys.subList(from, Math.min(keys.size(), from + MAX_DELETE_BATCH))) {
                batch.add(ObjectIdentifier.builder().key(key).build());
            }
            DeleteObjectsResponse response;
            try {
                response = s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
            } catch (SdkException e) {
                throw errors.translate("delete", batch.get(0).key() + " and " + (batch.size() - 1) + " more", e);
            }
            List<S3Error> failed = response.errors().stream().filter(e -> !"NoSuchKey".equals(e.code())).toList();
            if (!failed.isEmpty()) {
                S3Error first = failed.get(0);
                throw new IOException("S3 delete of " + failed.size() + " object(s) in " + description
                        + " failed; first: " + first.key() + ": " + first.code() + " (" + first.message() + ")");
            }
        }
    }

    @Override
    public void close() {
        metadataPool.shutdownNow();
        s3.close();
        if (credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
