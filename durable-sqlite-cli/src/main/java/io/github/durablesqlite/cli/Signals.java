package io.github.durablesqlite.cli;

import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * Takes over SIGTERM and SIGINT so that the process stops through its own path (final sync, then
 * exit) instead of the JVM's default immediate shutdown.
 */
final class Signals {
    private Signals() {}

    static void onTermination(Consumer<String> handler) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> handler.accept(signal.getName()));
        }
    }
}
