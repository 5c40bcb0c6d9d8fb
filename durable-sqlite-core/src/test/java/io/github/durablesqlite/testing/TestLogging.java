package io.github.durablesqlite.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps test logs readable when nothing configures logging. S3Proxy brings Logback onto the test
 * classpath, and unconfigured Logback logs everything at DEBUG: Jetty's and the HTTP client's wire
 * logs reach a gigabyte for the S3 contract suite and slow it tenfold. A logback-test.xml on the
 * classpath takes precedence over this.
 */
public final class TestLogging {

    private TestLogging() {
    }

    public static void quietLibrariesUnlessConfigured() {
        ClassLoader loader = TestLogging.class.getClassLoader();
        if (loader.getResource("logback-test.xml") != null || loader.getResource("logback.xml") != null) {
            return;
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
            for (String noisy : new String[] {"org.gaul", "org.apache.hc", "software.amazon.awssdk",
                    "org.testcontainers", "com.github.dockerjava"}) {
                context.getLogger(noisy).setLevel(Level.WARN);
            }
        }
    }
}
