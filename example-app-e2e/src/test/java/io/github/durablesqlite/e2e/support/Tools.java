package io.github.durablesqlite.e2e.support;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Programs from Debian's packages that .ci/install-test-tools installs. */
public final class Tools {

    private Tools() {}

    /** Skips the calling test when {@code program} is missing, but fails it when {@code CI=true}. */
    public static void assumeInstalled(Path program) {
        if (Files.isExecutable(program)) {
            return;
        }
        String message = program + " is not installed; .ci/install-test-tools installs it";
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        assumeTrue(false, message);
    }
}
