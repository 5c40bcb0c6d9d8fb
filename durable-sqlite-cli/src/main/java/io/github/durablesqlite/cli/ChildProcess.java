package io.github.durablesqlite.cli;

import java.io.IOException;

/** The application started by {@code replicate --exec}, sharing our terminal. */
final class ChildProcess {
    private final Process process;

    private ChildProcess(Process process) {
        this.process = process;
    }

    /** Starts {@code command} through {@code sh -c exec ...}, so the shell's words apply and the app gets our signals directly. */
    static ChildProcess start(String command) throws IOException {
        Process process = new ProcessBuilder("/bin/sh", "-c", "exec " + command).inheritIO().start();
        return new ChildProcess(process);
    }

    /** Sends the signal we received (TERM or INT) to the child. */
    void forward(String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    int exitCode() throws InterruptedException {
        return process.waitFor();
    }
}
