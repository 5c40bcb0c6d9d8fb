package io.github.durablesqlite.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the jars under test are and where each test writes its files. Surefire passes the paths as
 * system properties (see this module's pom); the fallbacks are the same paths relative to the module.
 */
public final class E2eFiles {

    private static final AtomicInteger DIRS = new AtomicInteger();

    private E2eFiles() {}

    /** {@code example-app/target/example-app.jar}: the app exactly as it is deployed. */
    public static Path appJar() {
        return requireBuilt("e2e.appJar", "../example-app/target/example-app.jar", "example-app");
    }

    /** {@code durable-sqlite-cli/target/durable-sqlite.jar}: the command line, for restores done by hand. */
    public static Path cliJar() {
        return requireBuilt("e2e.cliJar", "../durable-sqlite-cli/target/durable-sqlite.jar", "durable-sqlite-cli");
    }

    /** S3Proxy's self-contained jar, copied into target/ by the dependency plugin. */
    public static Path s3ProxyJar() {
        Path jar = Path.of(System.getProperty("e2e.s3proxyJar", "target/s3proxy.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Proxy's jar is missing at " + jar
                    + "; Maven copies it there in generate-test-resources: run the tests through ./mvnw");
        }
        return jar;
    }

    /** A new empty directory under target/e2e, kept after the run so logs can be read. */
    public static Path newWorkDir(String name) {
        Path root = Path.of(System.getProperty("e2e.outputDir", "target/e2e")).toAbsolutePath().normalize();
        Path dir = root.resolve(name + "-" + ProcessHandle.current().pid() + "-" + DIRS.incrementAndGet());
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** The directory test artefacts meant for people (screenshots, measurements) go to. */
    public static Path outputDir() {
        Path root = Path.of(System.getProperty("e2e.outputDir", "target/e2e")).toAbsolutePath().normalize();
        try {
            return Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root, e);
        }
    }

    private static Path requireBuilt(String property, String fallback, String module) {
        Path jar = Path.of(System.getProperty(property, fallback)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: the end-to-end tests run the built jar. Build it"
                    + " first (./mvnw -B -pl " + module + " -am -DskipTests package), or run the whole build"
                    + " (./mvnw verify), which builds " + module + " before this module.");
        }
        return jar;
    }
}
