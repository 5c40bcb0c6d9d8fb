package io.github.durablesqlite.testing;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's view of one direction of a relay: it can pace the bytes (a slow link) and stop after a
 * budget of bytes (the moment a connection is to be reset), so a fault lands mid-message.
 */
final class FaultyOutput extends FilterOutputStream {

    /** Thrown when the budget is spent; the relay then resets both connections. */
    static final class BudgetSpent extends IOException {
        BudgetSpent() {
            super("injected reset");
        }
    }

    private long budget = Long.MAX_VALUE;
    private long bytesPerSecond;
    private long pacedBytes;
    private long pacingStart;

    FaultyOutput(OutputStream out) {
        super(out);
    }

    /** Let only {@code bytes} more through, then throw {@link BudgetSpent}. */
    void cutAfter(long bytes) {
        budget = bytes;
    }

    /** Pace what follows to this rate; 0 for full speed. */
    void pace(long rate) {
        bytesPerSecond = rate;
        pacedBytes = 0;
        pacingStart = System.nanoTime();
    }

    /** Back to full speed with no budget, for the next message on a kept-alive connection. */
    void reset() {
        budget = Long.MAX_VALUE;
        bytesPerSecond = 0;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (budget == 0) {
                out.flush();
                throw new BudgetSpent();
            }
            // Pacing writes small slices so the rate holds within a tenth of a second.
            int slice = (int) Math.min(Math.min(len, budget), bytesPerSecond > 0 ? Math.max(1, bytesPerSecond / 10) : len);
            if (bytesPerSecond > 0) {
                out.flush();
                waitForRate(slice);
            }
            out.write(b, off, slice);
            off += slice;
            len -= slice;
            budget -= slice;
        }
        if (budget == 0) {
            out.flush();
            throw new BudgetSpent();
        }
    }

    private void waitForRate(int slice) throws IOException {
        pacedBytes += slice;
        long due = pacingStart + pacedBytes * 1_000_000_000L / bytesPerSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while pacing", e);
            }
        }
    }
}
