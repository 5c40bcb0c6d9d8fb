package io.github.durablesqlite.e2e.support;

/** Exit codes the tests accept. */
public final class ExitCodes {

    /**
     * A clean stop after SIGTERM: 0 where the app exits by itself, 143 (128 + SIGTERM) where the
     * JVM exits by its own signal handler after the shutdown hooks ran (Docker shows either as a
     * normal stop). A crash, a hang past the timeout or a SIGKILL (137) is none of these.
     */
    public static final Integer[] CLEAN_STOP = {0, 143};

    private ExitCodes() {}
}
