package io.github.durablesqlite.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@link CrashLoopWriter} in its own JVM: started, watched through its stdout, and
 * killed with SIGKILL. Every {@code ack} line it printed before it died is kept, with the child's
 * own clock reading taken right after the commit returned.
 */
final class CrashChild {
    /** Exit status of a JVM that died of SIGKILL (128 + 9). */
    static final int KILLED = 137;

    record Ack(long id, long ackedAtMillis) {}

    private final Process process;
    private final long launchedNanos = System.nanoTime();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final List<Ack> acks = new ArrayList<>();
    private final Thread reader;
    private volatile long readyNanos;

    private CrashChild(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "crash-child-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code java -cp <this test classpath> CrashLoopWriter args}, appending its stderr to {@code log}. */
    static CrashChild launch(List<String> args, Map<String, String> env, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A small, quickly started JVM: the loop pays its start-up once per cycle.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"),
                CrashLoopWriter.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(env);
        Files.writeString(log, "---- " + String.join(" ", args) + System.lineSeparator(), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return new CrashChild(builder.start());
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.equals("ready")) {
                    readyNanos = System.nanoTime();
                    ready.countDown();
                    continue;
                }
                String[] parts = line.split(" ");
                // A line cut short by the kill lacks its final "ok" and is not an acknowledgement.
                if (parts.length == 4 && parts[0].equals("ack") && parts[3].equals("ok")) {
                    synchronized (acks) {
                        acks.add(new Ack(Long.parseLong(parts[1]), Long.parseLong(parts[2])));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the data source is open and writing begins; false if the child died or time ran out. */
    boolean awaitReady(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            if (ready.await(50, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (!process.isAlive()) {
                return ready.getCount() == 0;
            }
        }
        return false;
    }

    /** Milliseconds from launch to {@code ready}, or -1 if it never got there. */
    long startupMillis() {
        return ready.getCount() == 0 ? TimeUnit.NANOSECONDS.toMillis(readyNanos - launchedNanos) : -1;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long launchedNanos() {
        return launchedNanos;
    }

    /**
     * Sends SIGKILL and waits for the death and for the last lines the pipe still held. The signal
     * goes through the {@link ProcessHandle}: {@link Process#destroyForcibly()} would also close our
     * end of stdout and drop acknowledgements printed just before the kill.
     *
     * @return the wall-clock time just before the signal, in epoch milliseconds
     */
    long kill() throws InterruptedException {
        long killedAt = System.currentTimeMillis();
        process.toHandle().destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("child " + process.pid() + " survived SIGKILL for 30 s");
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        return killedAt;
    }

    int exitValue() {
        return process.exitValue();
    }

    List<Ack> acks() {
        synchronized (acks) {
            return List.copyOf(acks);
        }
    }
}
