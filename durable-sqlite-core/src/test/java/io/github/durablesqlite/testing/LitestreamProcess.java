package io.github.durablesqlite.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs one Litestream child process (the sqlite3 shell with the VFS loaded, or a litestream
 * binary) in its own scratch directory, with a hermetic environment and a time limit.
 *
 * <p>Standard input, output and error all go through files in the scratch directory, so a
 * chatty child can never block on a full pipe. The child's {@code TMPDIR} and working directory
 * are the scratch directory too: the VFS creates its write buffer under {@code TMPDIR}, and
 * nothing outlives the run.
 */
final class LitestreamProcess {

    /** Variables never inherited from the test JVM; the caller's map is all the child sees of them. */
    private static final List<String> SCRUBBED_PREFIXES = List.of("AWS_", "LITESTREAM_");

    private static final int TAIL_CHARS = 4000;

    private LitestreamProcess() {
    }

    /** What a finished child printed. {@code log} is the VFS log file, empty if none was written. */
    record Result(String stdout, String stderr, String log) {
    }

    /**
     * Runs {@code command} with {@code input} on its standard input.
     *
     * @param env variables set for the child on top of the scrubbed inherited environment;
     *     {@code LITESTREAM_LOG_FILE} is pointed into the scratch directory and returned as
     *     {@link Result#log()}
     * @param timeoutHint added to the message when the child outlives {@code timeout}
     * @throws IOException if the child cannot start, exits non-zero or outlives {@code timeout};
     *     the message carries the tails of its stderr, stdout and log
     */
    static Result run(List<String> command, Map<String, String> env, String input, Duration timeout,
            String timeoutHint) throws IOException, InterruptedException {
        Path scratch = Files.createTempDirectory("litestream-oracle-");
        try {
            Path stdin = Files.writeString(scratch.resolve("stdin.sql"), input, StandardCharsets.UTF_8);
            Path stdout = scratch.resolve("stdout.txt");
            Path stderr = scratch.resolve("stderr.txt");
            Path log = scratch.resolve("litestream.log");

            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(scratch.toFile())
                    .redirectInput(stdin.toFile())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            Map<String, String> childEnv = builder.environment();
            // AWS_CA_BUNDLE makes the Go AWS SDK fail over plain HTTP; inherited AWS_ACCESS_KEY_ID
            // would silently win over the caller's LITESTREAM_ACCESS_KEY_ID.
            childEnv.keySet().removeIf(name -> SCRUBBED_PREFIXES.stream().anyMatch(name::startsWith));
            childEnv.putAll(env);
            childEnv.put("LITESTREAM_LOG_FILE", log.toString());
            childEnv.put("TMPDIR", scratch.toString());

            Process process = builder.start();
            boolean exited;
            try {
                exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                // On timeout and on interrupt alike: never leave a child behind.
                if (process.isAlive()) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
            Result result = new Result(read(stdout), read(stderr), read(log));
            if (!exited) {
                throw failure(command,
                        "did not finish within " + timeout.toSeconds() + " s (" + timeoutHint + ")", result);
            }
            if (process.exitValue() != 0) {
                throw failure(command, "exited with status " + process.exitValue(), result);
            }
            return result;
        } finally {
            deleteRecursively(scratch);
        }
    }

    /** An exception that says which command failed, how, and what it printed. */
    static IOException failure(List<String> command, String what, Result result) {
        StringBuilder message = new StringBuilder()
                .append(String.join(" ", command)).append(' ').append(what);
        appendTail(message, "stderr", result.stderr());
        appendTail(message, "stdout", result.stdout());
        appendTail(message, "litestream log", result.log());
        return new IOException(message.toString());
    }

    private static void appendTail(StringBuilder message, String name, String text) {
        if (text.isBlank()) {
            return;
        }
        String tail = text.length() <= TAIL_CHARS ? text : "..." + text.substring(text.length() - TAIL_CHARS);
        message.append(System.lineSeparator()).append("--- ").append(name).append(" ---")
                .append(System.lineSeparator()).append(tail.strip());
    }

    private static String read(Path file) throws IOException {
        // Lenient decoding: a SELECT of a blob may print bytes that are not UTF-8.
        return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
