package io.github.durablesqlite.replica;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed replica URL, spelled as Litestream spells them.
 *
 * <ul>
 *   <li>{@code s3://BUCKET/PREFIX?endpoint=URL&region=R&force-path-style=true&part-size=BYTES};
 *       also Litestream's host forms {@code s3://BUCKET.s3.REGION.amazonaws.com/PREFIX} and
 *       {@code s3://BUCKET.HOST:PORT/PREFIX} (an S3-compatible server over plain HTTP)</li>
 *   <li>{@code file:///absolute/dir}, {@code file:relative/dir}, or a bare path</li>
 * </ul>
 *
 * <p>Credentials never appear in a replica URL (they come from the environment), so
 * {@link #toString()} is safe to log.
 *
 * @param scheme         {@code "s3"} or {@code "file"}
 * @param bucket         the S3 bucket; null for file
 * @param path           the S3 key prefix without leading or trailing slash ({@code ""} for the
 *                       bucket's root), or the directory as written (relative paths stay relative)
 * @param endpoint       an S3-compatible endpoint; null for AWS itself and for file
 * @param region         the S3 region; null to use the SDK's region settings or {@code us-east-1}
 * @param forcePathStyle address the bucket in the path rather than the host name; the default
 *                       when an endpoint is given
 * @param partSize       S3 multipart part size in bytes; 0 for the default
 */
public record ReplicaUrl(String scheme, String bucket, String path, URI endpoint, String region,
                         boolean forcePathStyle, long partSize) {

    public static final String FILE = "file";
    public static final String S3 = "s3";

    public ReplicaUrl {
        if (!FILE.equals(scheme) && !S3.equals(scheme)) {
            throw new IllegalArgumentException("replica URL scheme must be 'file' or 's3': " + scheme);
        }
        if (path == null) {
            throw new IllegalArgumentException("replica URL path must not be null (use \"\" for none)");
        }
    }

    /**
     * Parses a replica URL.
     *
     * @throws IllegalArgumentException with a message that quotes the URL, says what is wrong and
     *                                  shows a correct example
     */
    public static ReplicaUrl parse(String url) {
        return ReplicaUrlParser.parse(url);
    }

    public boolean isFile() {
        return FILE.equals(scheme);
    }

    public boolean isS3() {
        return S3.equals(scheme);
    }

    /** The replica directory of a file URL, made absolute against the working directory. */
    public Path directory() {
        if (!isFile()) {
            throw new IllegalStateException("not a file replica URL: " + this);
        }
        return Path.of(path).toAbsolutePath().normalize();
    }

    /** The URL in canonical form; parsing it gives back an equal {@code ReplicaUrl}. */
    @Override
    public String toString() {
        if (isFile()) {
            return (path.startsWith("/") ? "file://" : "file:") + escape(path);
        }
        StringBuilder url = new StringBuilder("s3://").append(bucket);
        if (!path.isEmpty()) {
            url.append('/').append(escape(path));
        }
        List<String> query = new ArrayList<>();
        if (endpoint != null) {
            query.add("endpoint=" + endpoint);
        }
        if (region != null) {
            query.add("region=" + region);
        }
        if (forcePathStyle != (endpoint != null)) {
            query.add("force-path-style=" + forcePathStyle);
        }
        if (partSize != 0) {
            query.add("part-size=" + partSize);
        }
        if (!query.isEmpty()) {
            url.append('?').append(String.join("&", query));
        }
        return url.toString();
    }

    /** Just the characters that would otherwise read as a query, a fragment or an escape. */
    private static String escape(String path) {
        return path.replace("%", "%25").replace("?", "%3F").replace("#", "%23");
    }
}
