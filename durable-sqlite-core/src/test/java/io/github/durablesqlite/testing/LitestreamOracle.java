package io.github.durablesqlite.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * Litestream's own code as a compatibility judge: reads and writes replicas through Litestream's
 * SQLite extension (the "VFS", litestream-vfs 0.5.17) loaded into Debian's {@code sqlite3} shell.
 *
 * <p>Reading runs Litestream's restore planner and LTX decoder over a replica, so a replica our
 * code wrote that reads back here is one Litestream can restore. Writing makes the VFS produce
 * a genuine Litestream replica for our restore code to read. {@code .ci/install-test-tools}
 * installs everything into {@code <repo>/.oracle/}; see docs/testing.md.
 *
 * <p>Facts about the VFS that shape this class:
 * <ul>
 *   <li>It takes its replica from {@code LITESTREAM_REPLICA_URL} once, when the extension loads,
 *       so one child process serves one replica. The database name in {@code .open} is ignored.
 *   <li>It logs to stdout unless {@code LITESTREAM_LOG_FILE} is set; the log goes to a file here
 *       so stdout is only the query's output.
 *   <li>Read-only, it waits for ever for the first LTX file of an empty replica: every child runs
 *       under a time limit.
 *   <li>Write mode uploads dirty pages as one level-0 LTX file per sync: on a ticker
 *       ({@code LITESTREAM_SYNC_INTERVAL}, default 1 s) and when the database is closed. A failed
 *       upload is only logged, so a log line at ERROR fails the call.
 * </ul>
 *
 * <p>Replica credentials come only from the caller's environment map
 * ({@code LITESTREAM_ACCESS_KEY_ID}, {@code LITESTREAM_SECRET_ACCESS_KEY}): the child inherits no
 * {@code AWS_*} or {@code LITESTREAM_*} variable from the test JVM, in particular not
 * {@code AWS_CA_BUNDLE}, which breaks the Go AWS SDK over plain HTTP.
 */
public final class LitestreamOracle {

    /** Overrides where the installed tools are (default: {@code .oracle/} beside {@code .ci/}). */
    public static final String ORACLE_DIR_PROPERTY = "durablesqlite.oracle.dir";

    private static final String VFS_PACKAGE = "node_modules/litestream-vfs-linux-amd64";
    private static final String V3_PACKAGE = "node_modules/@flydotio/litestream-linux-x64";

    /**
     * Default sync interval for {@link #write}: long enough that the ticker never fires, so one
     * call uploads exactly one level-0 file, on close. The caller's map may set a shorter one.
     */
    private static final String WRITE_SYNC_INTERVAL = "1h";

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private LitestreamOracle() {
    }

    /** Whether the VFS extension is installed and a {@code sqlite3} shell is on the PATH. */
    public static boolean available() {
        return missing() == null;
    }

    /**
     * Skips the calling test when the oracle is not installed, or fails it when running in CI
     * ({@code CI=true}), where a silently skipped compatibility check would hide a broken setup.
     */
    public static void assumeAvailable() {
        String missing = missing();
        if (missing == null) {
            return;
        }
        String message = "Litestream oracle not available: " + missing
                + "; run .ci/install-test-tools from the repository root";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(message);
        }
        Assumptions.abort(message);
    }

    /**
     * Runs SQL read-only through the VFS over the replica at {@code replicaUrl} and returns what
     * the shell printed. The SQL may contain shell dot-commands ({@code .mode}, {@code .dump});
     * the default output is list mode, {@code |} between columns, no headers.
     *
     * @param env replica settings for the child, such as {@code LITESTREAM_ACCESS_KEY_ID},
     *     {@code LITESTREAM_SECRET_ACCESS_KEY} or {@code LITESTREAM_LOG_LEVEL=DEBUG}
     * @throws IOException if the shell fails, the VFS logs an error, or the replica has no LTX
     *     file within the time limit (the VFS waits for one)
     */
    public static String query(String replicaUrl, Map<String, String> env, String sql)
            throws IOException, InterruptedException {
        Objects.requireNonNull(sql, "sql");
        Map<String, String> childEnv = vfsEnv(replicaUrl, env);
        childEnv.put("LITESTREAM_WRITE_ENABLED", "false");
        return runShell(childEnv, "file:oracle.db?vfs=litestream&mode=ro", sql + System.lineSeparator())
                .stdout();
    }

    /**
     * The replica's database as {@code sqlite3 .dump} prints it: each table's schema, then its
     * rows in rowid order. The text depends on the content only, not on the page layout.
     */
    public static String dump(String replicaUrl, Map<String, String> env)
            throws IOException, InterruptedException {
        return query(replicaUrl, env, ".dump");
    }

    /**
     * Runs {@code sql} through the VFS in write mode, so that Litestream itself writes the
     * replica at {@code replicaUrl}: a new replica starts at TXID 1 with a full copy of the
     * database, an existing one gets the next TXID. Each element is one statement (a missing
     * {@code ;} is added) or one dot-command. Returns once the shell has closed the database,
     * which uploads the last level-0 file; with the default sync interval a call writes exactly
     * one level-0 file. An error in any statement fails the call, but statements before it may
     * already be uploaded.
     *
     * @param env replica settings as for {@link #query}; {@code LITESTREAM_SYNC_INTERVAL} here
     *     makes the VFS upload on that interval too
     * @throws IOException if a statement fails or the VFS logs an error (failed upload, conflict
     *     with a replica that moved on)
     */
    public static void write(String replicaUrl, Map<String, String> env, List<String> sql)
            throws IOException, InterruptedException {
        Objects.requireNonNull(sql, "sql");
        Map<String, String> childEnv = vfsEnv(replicaUrl, env);
        childEnv.putIfAbsent("LITESTREAM_SYNC_INTERVAL", WRITE_SYNC_INTERVAL);
        childEnv.put("LITESTREAM_WRITE_ENABLED", "true");
        String script = sql.stream()
                .map(String::strip)
                .map(line -> line.startsWith(".") || line.endsWith(";") ? line : line + ";")
                .collect(Collectors.joining(System.lineSeparator(), "", System.lineSeparator()));
        runShell(childEnv, "file:oracle.db?vfs=litestream", script);
    }

    /** The directory the oracle's npm packages are installed in, {@code <repo>/.oracle}. */
    public static Path oracleDir() {
        String configured = System.getProperty(ORACLE_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        // Tests run in the module directory; the repository root is the one holding .ci/.
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(".ci"))) {
                return dir.resolve(".oracle");
            }
        }
        return start.resolve(".oracle");
    }

    /** Litestream's loadable SQLite extension, {@code litestream-vfs.so}. */
    public static Path vfsExtension() {
        return oracleDir().resolve(VFS_PACKAGE).resolve("litestream-vfs.so");
    }

    /** The Litestream v0.3.13 command-line binary, the peer for side-by-side benchmarks. */
    public static Path litestreamV3Binary() {
        return oracleDir().resolve(V3_PACKAGE).resolve("litestream");
    }

    /** The first {@code sqlite3} executable on the PATH, or null. */
    static Path sqlite3() {
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "sqlite3");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** What is missing, or null if nothing is. */
    private static String missing() {
        if (!Files.isRegularFile(vfsExtension())) {
            return "no VFS extension at " + vfsExtension();
        }
        if (sqlite3() == null) {
            return "no sqlite3 on the PATH";
        }
        return null;
    }

    private static Map<String, String> vfsEnv(String replicaUrl, Map<String, String> env) {
        Objects.requireNonNull(replicaUrl, "replicaUrl");
        Map<String, String> childEnv = new HashMap<>(Objects.requireNonNull(env, "env"));
        childEnv.put("LITESTREAM_REPLICA_URL", replicaUrl);
        return childEnv;
    }

    private static LitestreamProcess.Result runShell(Map<String, String> env, String openUri, String sql)
            throws IOException, InterruptedException {
        String missing = missing();
        if (missing != null) {
            throw new IOException("Litestream oracle not available: " + missing);
        }
        // The shell derives the entry point, sqlite3_litestreamvfs_init, from the file name.
        String script = ".load '" + vfsExtension() + "'" + System.lineSeparator()
                + ".open " + openUri + System.lineSeparator()
                + sql;
        List<String> command = List.of(sqlite3().toString(), "-batch", "-bail", "-init", "/dev/null");
        String replicaUrl = env.get("LITESTREAM_REPLICA_URL");
        LitestreamProcess.Result result;
        try {
            result = LitestreamProcess.run(command, env, script, TIMEOUT,
                    "a read waits for the first LTX file of an empty replica");
        } catch (IOException e) {
            throw new IOException("Litestream VFS over " + replicaUrl + ": " + e.getMessage(), e);
        }
        // The VFS only logs a failed upload (and other background failures) and carries on.
        if (result.log().contains("level=ERROR")) {
            throw LitestreamProcess.failure(command, "logged an error over " + replicaUrl, result);
        }
        return result;
    }
}
