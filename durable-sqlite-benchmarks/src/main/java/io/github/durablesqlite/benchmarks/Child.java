package io.github.durablesqlite.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One child process with its output in files (a chatty child never blocks on a pipe) and an
 * environment scrubbed of {@code AWS_*} and {@code LITESTREAM_*}: the caller's map is all it sees
 * of them. {@code AWS_CA_BUNDLE} in particular breaks Go's AWS SDK over plain HTTP.
 */
final class Child implements AutoCloseable {
    private final List<String> command;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private Child(List<String> command, Process process, Path stdout, Path stderr) {
        this.command = command;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static Child start(List<String> command, Map<String, String> env, Path dir) throws IOException {
        return start(command, env, dir, null);
    }

    static Child start(List<String> command, Map<String, String> env, Path dir, Path stdin) throws IOException {
        Files.createDirectories(dir);
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("LITESTREAM_"));
        builder.environment().putAll(env);
        builder.environment().put("TMPDIR", dir.toString());
        return new Child(command, builder.start(), out, err);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for a normal exit; a non-zero status or a timeout is an error that carries the output. */
    void waitFor(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new IOException(describe("did not finish within " + timeout.toSeconds() + " s"));
        }
        if (process.exitValue() != 0) {
            throw new IOException(describe("exited with status " + process.exitValue()));
        }
    }

    /** SIGTERM, then a kill after {@code grace}; returns how long the child took to exit after SIGTERM. */
    Duration stop(Duration grace) throws InterruptedException {
        long start = System.nanoTime();
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            return null;
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * SIGTERM to this child's descendants only (the JVM under {@code /usr/bin/time}), then waits for
     * this child to exit on its own, so it can report; null if it had to be killed after {@code grace}.
     */
    Duration stopDescendants(Duration grace) throws InterruptedException {
        long start = System.nanoTime();
        process.descendants().forEach(ProcessHandle::destroy);
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            return null;
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    String stdout() throws IOException {
        return Files.readString(stdout);
    }

    String stderr() throws IOException {
        return Files.readString(stderr);
    }

    String describe(String what) {
        String err;
        try {
            err = stderr();
        } catch (IOException e) {
            err = "";
        }
        String tail = err.length() > 3000 ? "..." + err.substring(err.length() - 3000) : err;
        return String.join(" ", command) + " " + what + (tail.isBlank() ? "" : "\n--- stderr ---\n" + tail.strip());
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
