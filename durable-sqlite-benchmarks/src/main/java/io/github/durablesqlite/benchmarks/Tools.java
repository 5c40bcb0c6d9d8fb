package io.github.durablesqlite.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the programs measured beside the library are: the CLI jar of this checkout, Litestream
 * v0.3.13, Litestream's 0.5.17 VFS extension and Debian's sqlite3 shell ({@code .ci/install-test-tools}
 * installs the last three under {@code .oracle/}).
 */
final class Tools {
    private final Path root;

    private Tools(Path root) {
        this.root = root;
    }

    /** Finds the checkout from the working directory up (the directory holding {@code mvnw}). */
    static Tools locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("durable-sqlite-cli"))) {
                return new Tools(dir);
            }
        }
        throw new IllegalStateException("run the benchmarks from inside the durable-sqlite checkout (no mvnw above "
                + Path.of("").toAbsolutePath() + ")");
    }

    Path root() {
        return root;
    }

    Path cliJar() {
        return root.resolve("durable-sqlite-cli/target/durable-sqlite.jar");
    }

    Path litestream() {
        return root.resolve(".oracle/node_modules/@flydotio/litestream-linux-x64/litestream");
    }

    Path vfsExtension() {
        return root.resolve(".oracle/node_modules/litestream-vfs-linux-amd64/litestream-vfs.so");
    }

    static Path sqlite3() {
        for (String dir : Objects.requireNonNullElse(System.getenv("PATH"), "").split(File.pathSeparator)) {
            Path candidate = dir.isEmpty() ? null : Path.of(dir, "sqlite3");
            if (candidate != null && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    boolean hasCli() {
        return Files.isRegularFile(cliJar());
    }

    boolean hasLitestream() {
        return Files.isExecutable(litestream());
    }

    boolean hasVfs() {
        return Files.isRegularFile(vfsExtension()) && sqlite3() != null;
    }

    /** Missing tools, one phrase each; CI sets {@code CI=true} and then a missing tool is an error. */
    List<String> missing() {
        List<String> missing = new java.util.ArrayList<>();
        if (!hasCli()) {
            missing.add("CLI jar " + cliJar() + " (./mvnw -DskipTests package)");
        }
        if (!hasLitestream()) {
            missing.add("Litestream v0.3.13 at " + litestream() + " (.ci/install-test-tools)");
        }
        if (!hasVfs()) {
            missing.add("Litestream VFS at " + vfsExtension() + " or sqlite3 on the PATH (.ci/install-test-tools)");
        }
        return missing;
    }

    String litestreamVersion() {
        if (!hasLitestream()) {
            return "not installed";
        }
        try {
            Path dir = Files.createTempDirectory("ls-version");
            try (Child child = Child.start(List.of(litestream().toString(), "version"), Map.of(), dir)) {
                child.waitFor(java.time.Duration.ofSeconds(20));
                return child.stdout().strip();
            } finally {
                Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException | InterruptedException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    String vfsVersion() {
        Path manifest = vfsExtension().getParent().resolve("package.json");
        try {
            String json = Files.readString(manifest);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
            return m.find() ? m.group(1) : "unknown";
        } catch (IOException e) {
            return "not installed";
        }
    }
}
