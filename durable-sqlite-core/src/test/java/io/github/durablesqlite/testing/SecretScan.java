package io.github.durablesqlite.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Collects everything a user can see while failures happen (every log line with its exception and
 * causes, exception messages, status, health details, meter names and tags) and checks that none
 * of it contains a secret. The project's own loggers are captured at every level; libraries at the
 * level they would log in production (INFO and above); the S3 server the tests run is left out.
 * Without Logback (the CLI logs through a simple logger to stderr), the console is what is scanned.
 */
public final class SecretScan implements AutoCloseable {
    /** Distinctive credentials: the access key id, its secret, and a wrong secret that is just as secret. */
    public static final String ACCESS_KEY = "AKIA-SECRET-MARKER-123";
    public static final String SECRET_KEY = "sEcReT-MARKER-xyz";
    public static final String WRONG_SECRET = "sEcReT-MARKER-wrong";

    /** The environment that hands the marker access key and {@code secret} to a replica client. */
    public static Map<String, String> env(String secret) {
        return Map.of("LITESTREAM_ACCESS_KEY_ID", ACCESS_KEY, "LITESTREAM_SECRET_ACCESS_KEY", secret);
    }

    private final List<String> texts = new ArrayList<>();
    private final Logger root;
    private final Logger project;
    private final Level projectLevel;
    /** Also the console, where a simple logger (the CLI's) writes and where anything printed goes. */
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLoggerName().startsWith("org.gaul") || event.getLoggerName().startsWith("org.eclipse.jetty")) {
                return; // the S3 server under test is not the product; it knows the keys by design
            }
            StringBuilder line = new StringBuilder(event.getLevel() + " " + event.getLoggerName() + " "
                    + event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                line.append("\n  ").append(t.getClassName()).append(": ").append(t.getMessage());
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    line.append("\n    ").append(frame.getSTEAsString());
                }
            }
            synchronized (texts) {
                texts.add(line.toString());
                lines++;
            }
        }
    };
    private int lines;

    public SecretScan() {
        System.setOut(new PrintStream(new TeeStream(out, console), true));
        System.setErr(new PrintStream(new TeeStream(err, console), true));
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            project = context.getLogger("io.github.durablesqlite");
            projectLevel = project.getLevel();
            project.setLevel(Level.TRACE);
            appender.setContext(context);
            appender.start();
            root.addAppender(appender);
        } else {
            root = null;
            project = null;
            projectLevel = null;
        }
    }

    /** Adds something a user sees: a status, a detail map, a meter id... */
    public void add(Object seen) {
        synchronized (texts) {
            texts.add(String.valueOf(seen));
        }
    }

    /** Adds an exception as a user sees it: message, causes and suppressed ones, stack trace. */
    public void add(Throwable failure) {
        if (failure == null) {
            return; // the call succeeded: nothing to see
        }
        StringWriter out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        add((Object) out.toString());
    }

    /** Log lines captured so far (by the appender, or on the console). */
    public int logLines() {
        synchronized (texts) {
            return lines + (int) consoleText().lines().count();
        }
    }

    private String consoleText() {
        synchronized (console) {
            return console.toString(StandardCharsets.UTF_8);
        }
    }

    /** Everything collected, for a test to check that a failure was actually seen. */
    public String all() {
        synchronized (texts) {
            return String.join("\n", texts) + "\n" + consoleText();
        }
    }

    /** Fails naming where a secret appeared; {@code more} are further secret values to look for. */
    public void assertNoSecret(String... more) {
        List<String> secrets = new ArrayList<>(List.of(ACCESS_KEY, SECRET_KEY, WRONG_SECRET));
        secrets.addAll(List.of(more));
        synchronized (texts) {
            List<String> seen = new ArrayList<>(texts);
            seen.add(consoleText());
            for (String text : seen) {
                for (String secret : secrets) {
                    assertThat(text).as("something a user sees contains a secret").doesNotContain(secret);
                }
            }
        }
    }

    @Override
    public void close() {
        System.setOut(out);
        System.setErr(err);
        if (root != null) {
            root.detachAppender(appender);
            appender.stop();
            project.setLevel(projectLevel);
        }
    }

    /** Writes to the real console and keeps a copy. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream first;
        private final ByteArrayOutputStream copy;

        TeeStream(OutputStream first, ByteArrayOutputStream copy) {
            this.first = first;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            synchronized (copy) {
                copy.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            synchronized (copy) {
                copy.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            first.flush();
        }
    }
}
