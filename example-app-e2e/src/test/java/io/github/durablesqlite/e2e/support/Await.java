package io.github.durablesqlite.e2e.support;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Bounded polling: every wait in these tests has a limit and says what it was waiting for. */
public final class Await {

    private static final Duration POLL = Duration.ofMillis(100);

    private Await() {}

    /**
     * Polls {@code condition} until it returns true; exceptions count as "not yet".
     *
     * @throws AssertionError after {@code timeout}, naming {@code what} and the last exception
     */
    public static void until(String what, Duration timeout, Callable<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                AssertionError error = new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            sleep(POLL);
        }
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
