package io.github.durablesqlite.e2e;

import io.github.durablesqlite.e2e.support.Await;
import io.github.durablesqlite.e2e.support.NotesClient;
import io.github.durablesqlite.e2e.support.NotesClient.Note;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One thread posting notes back to back, recording each acknowledged id and when its 201 arrived.
 * A failed request ends the load; before {@link #expectFailuresFromNowOn()} that is a test failure.
 */
final class WriteLoad {

    static final String PREFIX = "load-";

    /** A note the app acknowledged; {@code at} is {@link System#nanoTime()} when the 201 had arrived. */
    record Ack(long id, String text, long at) {}

    private final NotesClient notes;
    private final List<Ack> acks = new ArrayList<>();
    private final Thread thread;
    private volatile boolean failuresExpected;
    private volatile boolean stopped;
    private volatile RuntimeException unexpected;

    private WriteLoad(NotesClient notes) {
        this.notes = notes;
        this.thread = new Thread(this::run, "e2e-write-load");
        this.thread.setDaemon(true);
    }

    static WriteLoad start(NotesClient notes) {
        WriteLoad load = new WriteLoad(notes);
        load.thread.start();
        return load;
    }

    void awaitAcknowledged(int count, Duration timeout) {
        Await.until(count + " acknowledged notes", timeout, () -> {
            failIfBroken();
            return acknowledged() >= count;
        });
    }

    void expectFailuresFromNowOn() {
        failuresExpected = true;
    }

    /** Ends the load and returns every acknowledgement, oldest first. */
    List<Ack> stop(Duration timeout) throws InterruptedException {
        stopped = true;
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("the write load did not stop within " + timeout);
        }
        failIfBroken();
        synchronized (acks) {
            return List.copyOf(acks);
        }
    }

    private int acknowledged() {
        synchronized (acks) {
            return acks.size();
        }
    }

    private void failIfBroken() {
        if (unexpected != null) {
            throw new AssertionError("a write failed before the app was stopped", unexpected);
        }
    }

    private void run() {
        for (long seq = 1; !stopped; seq++) {
            String text = PREFIX + seq;
            try {
                Note note = notes.create(text);
                long at = System.nanoTime();
                synchronized (acks) {
                    acks.add(new Ack(note.id(), text, at));
                }
            } catch (RuntimeException e) {
                if (!failuresExpected) {
                    unexpected = e;
                }
                return;
            }
        }
    }
}
