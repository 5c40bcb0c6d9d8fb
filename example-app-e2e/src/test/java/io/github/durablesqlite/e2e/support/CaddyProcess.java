package io.github.durablesqlite.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's Caddy in front of the app, as in the deployment, but on loopback only: no automatic
 * HTTPS, no admin endpoint, bound to 127.0.0.1 (the one-line {@code caddy reverse-proxy} still tries
 * ports 80 and 443).
 */
public final class CaddyProcess implements AutoCloseable {

    public static final Path CADDY = Path.of("/usr/bin/caddy");

    private final ChildProcess process;
    private final int port;

    private CaddyProcess(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Skips the test where Caddy is not installed, but fails it on CI, where .ci/install-test-tools installs it. */
    public static void assumeInstalled() {
        Tools.assumeInstalled(CADDY);
    }

    /** Starts Caddy proxying a new loopback port to {@code upstreamPort}; returns once it accepts connections. */
    public static CaddyProcess start(Path dir, int upstreamPort) {
        int port = FreePorts.next();
        Path config = dir.resolve("Caddyfile.e2e");
        String caddyfile = """
                {
                \tauto_https off
                \tadmin off
                }

                http://127.0.0.1:%d {
                \tbind 127.0.0.1
                \treverse_proxy 127.0.0.1:%d
                }
                """.formatted(port, upstreamPort);
        try {
            Files.writeString(config, caddyfile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        // Caddy keeps state under $HOME and the XDG directories: give it the test's own.
        Map<String, String> env = Map.of("HOME", dir.toString(), "XDG_DATA_HOME", dir.resolve("data").toString(),
                "XDG_CONFIG_HOME", dir.resolve("config").toString());
        ChildProcess process = ChildProcess.start("caddy",
                List.of(CADDY.toString(), "run", "--config", config.toString(), "--adapter", "caddyfile"), env, dir,
                dir.resolve("caddy.log"));
        CaddyProcess caddy = new CaddyProcess(process, port);
        Await.until("Caddy to listen on 127.0.0.1:" + port + " (log " + process.log() + ")", Duration.ofSeconds(30), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("Caddy exited with " + process.awaitExit(Duration.ZERO) + ":\n" + process.logTail(30));
            }
            return FreePorts.accepts(port);
        });
        return caddy;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        process.terminate();
        try {
            process.awaitExit(Duration.ofSeconds(10));
        } finally {
            process.close();
        }
    }
}
