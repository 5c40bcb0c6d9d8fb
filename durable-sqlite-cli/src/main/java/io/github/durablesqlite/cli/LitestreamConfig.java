package io.github.durablesqlite.cli;

import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.replication.HistoryOptions;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * A Litestream configuration file (the YAML {@code litestream replicate -config} reads), for
 * {@code durable-sqlite replicate --config}. Only the keys below are understood; any other key is
 * an error naming it, so a setting is never silently ignored. Environment variables written as
 * {@code $NAME} or {@code ${NAME}} are expanded first, as Litestream does.
 *
 * <pre>
 * access-key-id, secret-access-key, region, endpoint, force-path-style, sync-interval   (defaults for every replica)
 * exec: CMD
 * levels: [{interval: 30s}, {interval: 5m}, {interval: 1h}]
 * snapshot: {interval: 24h, retention: 24h}
 * l0-retention: 5m
 * dbs:
 *   - path: /data/app.db
 *     restore-if-db-not-exists: true
 *     busy-timeout: 5s
 *     min-checkpoint-page-count: 1000
 *     replica:                       (or replicas: [one replica])
 *       url: s3://bucket/app         (or type: s3|file, bucket, path)
 *       region, endpoint, force-path-style, access-key-id, secret-access-key, sync-interval
 * </pre>
 */
final class LitestreamConfig {
    static final Set<String> TOP_KEYS = Set.of("dbs", "levels", "snapshot", "l0-retention", "exec",
            "access-key-id", "secret-access-key", "region", "endpoint", "force-path-style", "sync-interval");
    static final Set<String> DB_KEYS = Set.of("path", "replica", "replicas", "restore-if-db-not-exists",
            "busy-timeout", "min-checkpoint-page-count");
    static final Set<String> REPLICA_KEYS = Set.of("url", "type", "path", "bucket", "region", "endpoint",
            "force-path-style", "access-key-id", "secret-access-key", "sync-interval");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    /** One database to replicate. {@code env} carries the replica's credentials, if the file gives them. */
    record Db(Path path, String replicaUrl, Map<String, String> env, Duration syncInterval,
              boolean restoreIfDbNotExists, Duration busyTimeout, Integer checkpointPages) {}

    final List<Db> dbs;
    final HistoryOptions history;
    final String exec;

    private LitestreamConfig(List<Db> dbs, HistoryOptions history, String exec) {
        this.dbs = dbs;
        this.history = history;
        this.exec = exec;
    }

    static LitestreamConfig load(Path file, Map<String, String> env, boolean expandEnv) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("config file " + file + " does not exist");
        }
        return parse(text, file.toString(), env, expandEnv);
    }

    static LitestreamConfig parse(String text, String source, Map<String, String> env, boolean expandEnv) {
        String yaml = expandEnv ? expand(text, env) : text;
        Object root;
        try {
            root = new Load(LoadSettings.builder().setLabel(source).build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException("config " + source + " is not valid YAML: "
                    + e.getMessage().replace('\n', ' '));
        }
        return new Reader(source).read(root);
    }

    /** {@code $NAME} and {@code ${NAME}} become the variable's value, or nothing when it is unset. */
    static String expand(String text, Map<String, String> env) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            m.appendReplacement(out, Matcher.quoteReplacement(env.getOrDefault(name, "")));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Walks the parsed document, naming the key path in every error. */
    private static final class Reader {
        private final String source;

        Reader(String source) {
            this.source = source;
        }

        LitestreamConfig read(Object root) {
            Map<String, Object> top = map(root == null ? Map.of() : root, "the document");
            checkKeys(top, TOP_KEYS, "");
            HistoryOptions history = HistoryOptions.defaults();
            if (top.containsKey("levels")) {
                List<Duration> intervals = new ArrayList<>();
                List<Object> levels = list(top.get("levels"), "levels");
                for (int i = 0; i < levels.size(); i++) {
                    String where = "levels[" + i + "]";
                    Map<String, Object> level = map(levels.get(i), where);
                    checkKeys(level, Set.of("interval"), where + ".");
                    intervals.add(positive(required(level, "interval", where), where + ".interval"));
                }
                if (intervals.size() > HistoryOptions.MAX_COMPACTION_LEVELS) {
                    throw invalid("levels", "at most " + HistoryOptions.MAX_COMPACTION_LEVELS
                            + " levels (level 9 holds snapshots), got " + intervals.size());
                }
                history = history.withLevelIntervals(intervals);
            }
            if (top.containsKey("snapshot")) {
                Map<String, Object> snapshot = map(top.get("snapshot"), "snapshot");
                checkKeys(snapshot, Set.of("interval", "retention"), "snapshot.");
                if (snapshot.containsKey("interval")) {
                    history = history.withSnapshotInterval(positive(snapshot.get("interval"), "snapshot.interval"));
                }
                if (snapshot.containsKey("retention")) {
                    history = history.withRetention(positive(snapshot.get("retention"), "snapshot.retention"));
                }
            }
            if (top.containsKey("l0-retention")) {
                Duration l0 = duration(top.get("l0-retention"), "l0-retention");
                if (l0.isNegative()) {
                    throw invalid("l0-retention", "must not be negative");
                }
                history = history.withL0Retention(l0);
            }
            String exec = top.containsKey("exec") ? string(top.get("exec"), "exec") : null;
            List<Object> dbList = list(required(top, "dbs", "the document"), "dbs");
            if (dbList.isEmpty()) {
                throw invalid("dbs", "lists no database");
            }
            List<Db> dbs = new ArrayList<>();
            for (int i = 0; i < dbList.size(); i++) {
                dbs.add(db(map(dbList.get(i), "dbs[" + i + "]"), "dbs[" + i + "]", top));
            }
            return new LitestreamConfig(dbs, history, exec);
        }

        private Db db(Map<String, Object> db, String where, Map<String, Object> defaults) {
            checkKeys(db, DB_KEYS, where + ".");
            Path path = Path.of(string(required(db, "path", where), where + ".path")).toAbsolutePath();
            Map<String, Object> replica;
            String replicaWhere = where + ".replica";
            if (db.containsKey("replica") && db.containsKey("replicas")) {
                throw invalid(where, "give either replica or replicas, not both");
            } else if (db.containsKey("replicas")) {
                List<Object> replicas = list(db.get("replicas"), where + ".replicas");
                if (replicas.size() != 1) {
                    throw invalid(where + ".replicas", "durable-sqlite replicates a database to one replica, "
                            + "this lists " + replicas.size());
                }
                replicaWhere = where + ".replicas[0]";
                replica = map(replicas.get(0), replicaWhere);
            } else {
                replica = map(required(db, "replica", where), replicaWhere);
            }
            checkKeys(replica, REPLICA_KEYS, replicaWhere + ".");
            Map<String, Object> settings = new HashMap<>();
            for (String key : List.of("access-key-id", "secret-access-key", "region", "endpoint", "force-path-style",
                    "sync-interval")) {
                Object value = replica.containsKey(key) ? replica.get(key) : defaults.get(key);
                if (value != null) {
                    settings.put(key, value);
                }
            }
            String url = replicaUrl(replica, settings, replicaWhere);
            Map<String, String> env = new HashMap<>();
            if (settings.containsKey("access-key-id") || settings.containsKey("secret-access-key")) {
                env.put("LITESTREAM_ACCESS_KEY_ID", string(settings.get("access-key-id"), replicaWhere + ".access-key-id"));
                env.put("LITESTREAM_SECRET_ACCESS_KEY",
                        string(settings.get("secret-access-key"), replicaWhere + ".secret-access-key"));
            }
            Duration syncInterval = settings.containsKey("sync-interval")
                    ? positive(settings.get("sync-interval"), replicaWhere + ".sync-interval") : null;
            boolean restore = db.containsKey("restore-if-db-not-exists")
                    && bool(db.get("restore-if-db-not-exists"), where + ".restore-if-db-not-exists");
            Duration busy = db.containsKey("busy-timeout") ? positive(db.get("busy-timeout"), where + ".busy-timeout") : null;
            Integer pages = null;
            if (db.containsKey("min-checkpoint-page-count")) {
                pages = integer(db.get("min-checkpoint-page-count"), where + ".min-checkpoint-page-count");
                if (pages < 1) {
                    throw invalid(where + ".min-checkpoint-page-count", "must be at least 1, was " + pages);
                }
            }
            return new Db(path, url, env, syncInterval, restore, busy, pages);
        }

        private String replicaUrl(Map<String, Object> replica, Map<String, Object> settings, String where) {
            String url;
            if (replica.containsKey("url")) {
                for (String conflicting : List.of("type", "bucket", "path")) {
                    if (replica.containsKey(conflicting)) {
                        throw invalid(where, "give either url or " + conflicting + ", not both");
                    }
                }
                url = string(replica.get("url"), where + ".url");
            } else {
                String type = replica.containsKey("type") ? string(replica.get("type"), where + ".type")
                        : replica.containsKey("bucket") ? "s3" : "file";
                if (type.equals("s3")) {
                    String bucket = string(required(replica, "bucket", where), where + ".bucket");
                    String prefix = replica.containsKey("path") ? string(replica.get("path"), where + ".path") : "";
                    url = "s3://" + bucket + "/" + prefix.replaceAll("^/+", "");
                } else if (type.equals("file")) {
                    url = Path.of(string(required(replica, "path", where), where + ".path")).toAbsolutePath().toUri()
                            .toString();
                } else {
                    throw invalid(where + ".type", "'" + type + "' is not supported: use s3 or file");
                }
            }
            if (url.startsWith("s3://")) {
                url = withQuery(url, "region", settings.get("region"), where);
                url = withQuery(url, "endpoint", settings.get("endpoint"), where);
                Object pathStyle = settings.get("force-path-style");
                if (pathStyle != null) {
                    url = withQuery(url, "force-path-style", Boolean.toString(bool(pathStyle, where + ".force-path-style")),
                            where);
                }
            }
            try {
                ReplicaUrl.parse(url);
            } catch (IllegalArgumentException e) {
                throw invalid(where + (replica.containsKey("url") ? ".url" : ""), e.getMessage());
            }
            return url;
        }

        private String withQuery(String url, String key, Object value, String where) {
            if (value == null) {
                return url;
            }
            if (url.matches(".*[?&]" + Pattern.quote(key) + "=.*")) {
                return url; // the URL says it already
            }
            String text = URLEncoder.encode(string(value, where + "." + key), StandardCharsets.UTF_8);
            return url + (url.contains("?") ? "&" : "?") + key + "=" + text;
        }

        private void checkKeys(Map<String, Object> map, Set<String> known, String prefix) {
            for (String key : map.keySet()) {
                if (!known.contains(key)) {
                    throw new IllegalArgumentException("config " + source + ": unknown key '" + prefix + key
                            + "' (supported here: " + String.join(", ", known.stream().sorted().toList())
                            + "; see docs/operations.md)");
                }
            }
        }

        private Object required(Map<String, Object> map, String key, String where) {
            Object value = map.get(key);
            if (value == null) {
                throw new IllegalArgumentException("config " + source + ": " + where + " needs '" + key + "'");
            }
            return value;
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> map(Object value, String where) {
            if (!(value instanceof Map<?, ?> raw)) {
                throw invalid(where, "must be a mapping of keys to values");
            }
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : raw.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    throw invalid(where, "has a key that is not text: " + entry.getKey());
                }
                map.put(key, entry.getValue());
            }
            return map;
        }

        @SuppressWarnings("unchecked")
        private List<Object> list(Object value, String where) {
            if (!(value instanceof List<?> list)) {
                throw invalid(where, "must be a list");
            }
            return (List<Object>) list;
        }

        private String string(Object value, String where) {
            if (value == null || value instanceof Map || value instanceof List) {
                throw invalid(where, "must be a text value");
            }
            return value.toString();
        }

        private boolean bool(Object value, String where) {
            if (value instanceof Boolean b) {
                return b;
            }
            throw invalid(where, "must be true or false, was '" + value + "'");
        }

        private int integer(Object value, String where) {
            if (value instanceof Integer i) {
                return i;
            }
            throw invalid(where, "must be a whole number, was '" + value + "'");
        }

        private Duration duration(Object value, String where) {
            try {
                return GoDuration.parse(string(value, where));
            } catch (IllegalArgumentException e) {
                throw invalid(where, e.getMessage());
            }
        }

        private Duration positive(Object value, String where) {
            Duration duration = duration(value, where);
            if (duration.isZero() || duration.isNegative()) {
                throw invalid(where, "must be positive, was '" + value + "'");
            }
            return duration;
        }

        private IllegalArgumentException invalid(String where, String problem) {
            return new IllegalArgumentException("config " + source + ": " + where + ": " + problem);
        }
    }
}
