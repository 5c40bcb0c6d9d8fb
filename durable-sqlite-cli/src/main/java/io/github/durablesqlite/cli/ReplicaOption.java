package io.github.durablesqlite.cli;

import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import java.io.IOException;
import java.util.Map;

/** Opens the replica named on the command line, with credentials from the environment. */
final class ReplicaOption {
    private ReplicaOption() {}

    static ReplicaClient open(String url, Map<String, String> env) throws IOException {
        return ReplicaClients.open(ReplicaUrl.parse(url), env);
    }
}
