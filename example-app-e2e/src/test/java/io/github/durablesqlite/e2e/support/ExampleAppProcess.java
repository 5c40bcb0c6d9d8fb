package io.github.durablesqlite.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The example app's jar run as a real process, configured the way it is deployed: by environment
 * ({@code DB_FILE}, {@code REPLICA_URL}, the Litestream key pair, {@code SERVER_PORT}). One instance
 * is one deployment: its port and environment stay the same across {@link #start()}s, so a Caddy
 * in front of it keeps working when the app is restarted, and each start gets its own log file.
 */
public final class ExampleAppProcess implements AutoCloseable {

    /** What a start may take at most, including a restore. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** What a SIGTERM may take at most: the app's graceful shutdown plus the final sync. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Path dbFile;
    private final int port;
    private final Map<String, String> env;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private ChildProcess process;
    private int starts;

    private ExampleAppProcess(Path dir, Path dbFile, Map<String, String> env) {
        this.dir = dir;
        this.dbFile = dbFile;
        this.port = FreePorts.next();
        this.env = new HashMap<>(env);
        this.env.put("DB_FILE", dbFile.toString());
        this.env.put("SERVER_PORT", Integer.toString(port));
    }

    /**
     * An app (not started) whose database is {@code dir/notes.db}.
     *
     * @param replicaUrl {@code REPLICA_URL}, or null to leave it unset
     * @param env        further variables: credentials, {@code DURABLE_SQLITE_SYNC_INTERVAL}, ...
     */
    public static ExampleAppProcess in(Path dir, String replicaUrl, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        if (replicaUrl != null) {
            all.put("REPLICA_URL", replicaUrl);
        }
        return new ExampleAppProcess(dir, dir.resolve("notes.db"), all);
    }

    /**
     * Starts the app and returns once {@code /actuator/health} answers (UP or DOWN).
     *
     * @return how long that took, from the process start
     * @throws AssertionError if the app exits or does not answer within {@link #START_TIMEOUT}
     */
    public Duration start() {
        long started = spawn();
        Await.until("the app to answer /actuator/health (log " + process.log() + ")", START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("the app exited with " + process.awaitExit(Duration.ZERO)
                        + " while starting; end of its log:\n" + process.logTail(60));
            }
            return answersHealth();
        });
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /**
     * Starts the app expecting it to give up.
     *
     * @return its exit code
     * @throws AssertionError if it is still running after {@link #START_TIMEOUT}
     */
    public int startExpectingExit() {
        spawn();
        return process.awaitExit(START_TIMEOUT);
    }

    /** SIGTERM, as Docker's stop sends it. */
    public void sigterm() {
        process.terminate();
    }

    /** SIGKILL: the machine is gone as far as the JVM can tell. */
    public void sigkill() {
        process.kill();
    }

    /** Waits for the app to end and returns its exit code. */
    public int awaitExit(Duration timeout) {
        return process.awaitExit(timeout);
    }

    /** Removes the database, its {@code -wal} and {@code -shm}, and durable-sqlite's state directory. */
    public void loseTheDisk() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the app still runs: " + process);
        }
        for (Path path : List.of(dbFile, sibling("-wal"), sibling("-shm"), stateDir())) {
            deleteRecursively(path);
        }
    }

    /** {@code .<db file name>-durable-sqlite} beside the database. */
    public Path stateDir() {
        return dbFile.resolveSibling("." + dbFile.getFileName() + "-durable-sqlite");
    }

    public Path dbFile() {
        return dbFile;
    }

    public int port() {
        return port;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The log of the latest start. */
    public String log() {
        return process.logText();
    }

    public Path logFile() {
        return process.log();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    private long spawn() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the app already runs: " + process);
        }
        Path jar = E2eFiles.appJar();
        starts++;
        long started = System.nanoTime();
        process = ChildProcess.start("example-app", List.of(ChildProcess.java(), "-jar", jar.toString()), env, dir,
                dir.resolve("app-" + starts + ".log"));
        return started;
    }

    private boolean answersHealth() {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri().resolve("/actuator/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200 || response.statusCode() == 503;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Path sibling(String suffix) {
        return dbFile.resolveSibling(dbFile.getFileName() + suffix);
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path each : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(each);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}
