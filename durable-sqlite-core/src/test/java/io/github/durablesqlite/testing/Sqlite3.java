package io.github.durablesqlite.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Debian's {@code sqlite3} command, a writer in another process. */
public final class Sqlite3 {
    private static final Path BINARY = Path.of("/usr/bin/sqlite3");

    private Sqlite3() {}

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** Skips the test where sqlite3 is missing, except in CI, where .ci/install-test-tools must have installed it. */
    public static void assumeAvailable() {
        if (!available() && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(BINARY + " is missing in CI: .ci/install-test-tools should install it");
        }
        Assumptions.assumeTrue(available(), "sqlite3 is not installed (run .ci/install-test-tools)");
    }

    /** Runs SQL in a separate sqlite3 process and returns what it printed; fails on a non-zero exit. */
    public static String exec(Path db, String sql) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(BINARY.toString(), "-batch", "-bail", "-cmd", ".timeout 10000", db.toString())
                .redirectErrorStream(true).start();
        process.getOutputStream().write(sql.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("sqlite3 did not finish within 60 s: " + sql);
        }
        if (process.exitValue() != 0) {
            throw new IOException("sqlite3 exited with " + process.exitValue() + ": " + output);
        }
        return output;
    }
}
