package io.github.durablesqlite.cli;

import java.io.PrintWriter;
import java.util.function.LongConsumer;

/** Shows downloaded bytes on a terminal, at most a few times a second; silent when output is not a terminal. */
final class Progress implements LongConsumer {
    private final PrintWriter err;
    private final boolean enabled;
    private long lastPrint;
    private boolean printed;

    private Progress(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    static Progress forTerminal(PrintWriter err) {
        return new Progress(err, System.console() != null);
    }

    @Override
    public void accept(long bytes) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastPrint < 250_000_000L) {
            return;
        }
        lastPrint = now;
        printed = true;
        err.printf("\rrestoring: %.1f MB downloaded", bytes / 1e6);
        err.flush();
    }

    void done() {
        if (printed) {
            err.println();
        }
    }
}
