package io.github.durablesqlite.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One real child process whose stdout and stderr go to a log file. Children never inherit the
 * variables that configure the app or a replica from the test JVM's environment: each test says
 * exactly what its children see.
 */
public final class ChildProcess implements AutoCloseable {

    private static final List<String> NOT_INHERITED_PREFIXES =
            List.of("AWS_", "LITESTREAM_", "DURABLE_SQLITE_", "SPRING_", "SERVER_", "MANAGEMENT_", "JAVA_TOOL_OPTIONS",
                    "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
    private static final List<String> NOT_INHERITED = List.of("DB_FILE", "REPLICA_URL", "DOMAIN");
    /** Children still running when the test JVM ends (a timeout, a crash) are killed with it. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "e2e-child-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} in {@code workDir} with the cleaned environment plus {@code env}. */
    public static ChildProcess start(String name, List<String> command, Map<String, String> env, Path workDir, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(key -> NOT_INHERITED.contains(key)
                || NOT_INHERITED_PREFIXES.stream().anyMatch(key::startsWith));
        environment.putAll(env);
        try {
            Process process = builder.start();
            RUNNING.add(process);
            process.onExit().thenRun(() -> RUNNING.remove(process));
            return new ChildProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** The java launcher of the JVM running the tests. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL. */
    public void kill() {
        process.destroyForcibly();
    }

    /**
     * Waits for the process to end.
     *
     * @return its exit code
     * @throws AssertionError if it is still running after {@code timeout} (with the end of its log)
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " (pid " + pid() + ") still running after " + timeout.toSeconds()
                        + " s; end of its log:\n" + logTail(40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + name, e);
        }
        return process.exitValue();
    }

    public Path log() {
        return log;
    }

    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public String logTail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Kills the process if it still runs and waits for it; safe to call more than once. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", log " + log + ")";
    }
}
