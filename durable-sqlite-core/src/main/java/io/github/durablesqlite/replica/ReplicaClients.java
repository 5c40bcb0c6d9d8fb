package io.github.durablesqlite.replica;

import java.io.IOException;
import java.util.Map;

/**
 * Opens the {@link ReplicaClient} for a replica URL.
 *
 * <p>S3 credentials come from {@code LITESTREAM_ACCESS_KEY_ID} and
 * {@code LITESTREAM_SECRET_ACCESS_KEY} when both are set, else from the AWS default credentials
 * chain (AWS_ACCESS_KEY_ID, ~/.aws/credentials, instance roles...). Opening makes no request: a
 * missing bucket or wrong credentials show up, explained, on the first operation.
 */
public final class ReplicaClients {

    private ReplicaClients() {
    }

    /** Opens a client for URL text, with credentials from the process environment. */
    public static ReplicaClient open(String url) throws IOException {
        return open(ReplicaUrl.parse(url), System.getenv());
    }

    /**
     * Opens a client for a parsed URL, with credentials from the given environment.
     *
     * @throws IllegalArgumentException if only one of the two LITESTREAM_* credentials is set
     */
    public static ReplicaClient open(ReplicaUrl url, Map<String, String> env) throws IOException {
        return open(url, env, S3Settings.DEFAULTS);
    }

    static ReplicaClient open(ReplicaUrl url, Map<String, String> env, S3Settings settings) throws IOException {
        if (url.isFile()) {
            return new FileReplicaClient(url.directory());
        }
        return S3ReplicaClient.open(url, env, settings);
    }
}
