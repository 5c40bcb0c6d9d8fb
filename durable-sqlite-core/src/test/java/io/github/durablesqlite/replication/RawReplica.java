package io.github.durablesqlite.replication;

import io.github.durablesqlite.testing.S3ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The objects of a replica seen behind the replica client's back, to damage them the way a disk,
 * an operator or another tool would: read, overwrite (keeping the timestamp), delete, add foreign
 * objects. Names are relative to the replica's root: {@code ltx/0/<file>} in a directory,
 * {@code 0000/<file>} under an S3 prefix.
 */
interface RawReplica extends AutoCloseable {

    String url();

    Map<String, String> env();

    /** Every object under the replica's root, sorted. */
    List<String> names();

    byte[] read(String name);

    /** Replaces an object's bytes, keeping its timestamp (mtime or {@code litestream-timestamp}). */
    void write(String name, byte[] bytes);

    /** Adds an object that the replica's own writer never wrote. */
    void addForeign(String name, byte[] bytes);

    /** Deletes an object; the returned action puts it back as it was (timestamp included). */
    Runnable delete(String name);

    /** The name of the LTX file {@code file} at {@code level}, in this backend's layout. */
    String ltxName(int level, String file);

    @Override
    default void close() {}

    static RawReplica directory(Path root) {
        return new RawReplica() {
            @Override
            public String url() {
                return root.toUri().toString();
            }

            @Override
            public Map<String, String> env() {
                return Map.of();
            }

            @Override
            public List<String> names() {
                try (Stream<Path> walk = Files.walk(root)) {
                    return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public byte[] read(String name) {
                try {
                    return Files.readAllBytes(root.resolve(name));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void write(String name, byte[] bytes) {
                try {
                    Path path = root.resolve(name);
                    FileTime mtime = Files.getLastModifiedTime(path);
                    Files.write(path, bytes);
                    Files.setLastModifiedTime(path, mtime);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void addForeign(String name, byte[] bytes) {
                try {
                    Path path = root.resolve(name);
                    Files.createDirectories(path.getParent());
                    Files.write(path, bytes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public Runnable delete(String name) {
                try {
                    // Moved out of the replica, not copied, so the mtime (the file's timestamp) survives.
                    Path aside = Files.createTempDirectory("deleted").resolve("file");
                    Files.move(root.resolve(name), aside);
                    return () -> {
                        try {
                            Files.move(aside, root.resolve(name));
                            Files.delete(aside.getParent());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    };
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public String ltxName(int level, String file) {
                return "ltx/" + level + "/" + file;
            }

            @Override
            public String toString() {
                return "file";
            }
        };
    }

    static RawReplica s3(S3ProxyServer server, String prefix) {
        String bucket = server.newBucket();
        S3Client s3 = server.newS3Client();
        String root = prefix + "/";
        return new RawReplica() {
            @Override
            public String url() {
                return server.replicaUrl(bucket, prefix);
            }

            @Override
            public Map<String, String> env() {
                return server.env();
            }

            @Override
            public List<String> names() {
                return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(root)).contents().stream()
                        .map(S3Object::key).map(k -> k.substring(root.length())).sorted().toList();
            }

            @Override
            public byte[] read(String name) {
                return s3.getObjectAsBytes(b -> b.bucket(bucket).key(root + name)).asByteArray();
            }

            @Override
            public void write(String name, byte[] bytes) {
                Map<String, String> metadata = s3.headObject(b -> b.bucket(bucket).key(root + name)).metadata();
                s3.putObject(b -> b.bucket(bucket).key(root + name).metadata(metadata), RequestBody.fromBytes(bytes));
            }

            @Override
            public void addForeign(String name, byte[] bytes) {
                // Relative to the bucket when it starts with "/", so keys beside the prefix can be made too.
                String key = name.startsWith("/") ? name.substring(1) : root + name;
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
            }

            @Override
            public Runnable delete(String name) {
                byte[] bytes = read(name);
                Map<String, String> metadata = s3.headObject(b -> b.bucket(bucket).key(root + name)).metadata();
                s3.deleteObject(b -> b.bucket(bucket).key(root + name));
                return () -> s3.putObject(b -> b.bucket(bucket).key(root + name).metadata(metadata),
                        RequestBody.fromBytes(bytes));
            }

            @Override
            public String ltxName(int level, String file) {
                return String.format("%04x/%s", level, file);
            }

            @Override
            public void close() {
                s3.close();
            }

            @Override
            public String toString() {
                return "s3";
            }
        };
    }
}
