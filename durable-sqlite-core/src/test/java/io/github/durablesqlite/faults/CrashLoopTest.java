package io.github.durablesqlite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.Durability;
import io.github.durablesqlite.testing.LitestreamOracle;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash loop of the fault suite: a writer JVM ({@link CrashLoopWriter}) is killed with SIGKILL
 * at random moments, over and over, on the same databases. After every kill the replica is
 * restored into a fresh file, which must pass {@code integrity_check}; in SYNC mode every commit
 * the writer was told is done must be there; in ASYNC mode only commits acknowledged within the
 * window before the kill may be missing. See docs/testing.md for the long form.
 *
 * <p>System properties: {@code crashloop.cycles} (default 32, split evenly between the modes, a
 * third of each on a {@code file://} replica, the rest on S3Proxy), {@code crashloop.seed}
 * (repeats a run's random choices), {@code crashloop.asyncWindowMillis} (default 3000).
 */
class CrashLoopTest {
    private static final Path LOGS = Path.of("target", "crashloop");

    /**
     * What async mode may lose, as docs/reliability.md derives it: under a steady write load a
     * commit reaches the replica within one sync interval (1 s, the spacing of commit-started syncs) plus
     * one sync and upload. Two more seconds cover that sync and upload on a loaded machine (measured up
     * to 0.9 s with other builds running on the same two cores).
     */
    private static final long DEFAULT_ASYNC_WINDOW_MILLIS = 3000;

    @TempDir
    Path dir;

    @Test
    void killedWritersKeepEveryAcknowledgedCommitInSyncModeAndLoseOnlyTheWindowInAsyncMode() throws Exception {
        int cycles = Integer.getInteger("crashloop.cycles", 32);
        long seed = Long.getLong("crashloop.seed", new Random().nextLong());
        long window = Long.getLong("crashloop.asyncWindowMillis", DEFAULT_ASYNC_WINDOW_MILLIS);
        boolean oracle = LitestreamOracle.available();
        if (!oracle && "true".equalsIgnoreCase(System.getenv("CI"))) {
            LitestreamOracle.assumeAvailable(); // fails the test: CI must have the oracle installed
        }
        System.out.println("crash loop: " + cycles + " cycles, seed " + seed + " (-Dcrashloop.seed=" + seed
                + " repeats the choices), async window " + window + " ms");
        Random seeds = new Random(seed);
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        S3ProxyServer s3 = S3ProxyServer.shared();
        List<CrashChain> chains = new ArrayList<>();
        List<Callable<Void>> modes = new ArrayList<>();
        int firstCycle = 0;
        for (Durability mode : new Durability[] {Durability.SYNC, Durability.ASYNC}) {
            int modeCycles = mode == Durability.SYNC ? (cycles + 1) / 2 : cycles / 2;
            int fileCycles = modeCycles / 3;
            String tag = mode.name().toLowerCase();
            Random random = new Random(seeds.nextLong());
            CrashChain onS3 = new CrashChain(tag + "-s3", mode, s3.replicaUrl(s3.newBucket(), "crashloop"), s3.env(),
                    window, random, problems, dir.resolve(tag + "-s3"), LOGS);
            Path fileReplica = Files.createDirectories(dir.resolve(tag + "-file-replica"));
            CrashChain onFile = new CrashChain(tag + "-file", mode, "file://" + fileReplica.toAbsolutePath(), Map.of(),
                    window, random, problems, dir.resolve(tag + "-file"), LOGS);
            chains.add(onS3);
            chains.add(onFile);
            int first = firstCycle;
            firstCycle += modeCycles;
            modes.add(() -> {
                int cycle = first;
                for (int i = 0; i < modeCycles - fileCycles; i++) {
                    onS3.runCycle(++cycle);
                }
                for (int i = 0; i < fileCycles; i++) {
                    onFile.runCycle(++cycle);
                }
                return null;
            });
        }
        // The two modes run side by side: each cycle mostly waits for a JVM to start or for the kill.
        long started = System.nanoTime();
        ExecutorService executor = Executors.newFixedThreadPool(modes.size());
        try {
            for (Future<Void> done : executor.invokeAll(modes)) {
                done.get();
            }
        } finally {
            executor.shutdownNow();
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;

        if (oracle) {
            for (CrashChain chain : chains) {
                if (chain.lastRestoredSummary() == null) {
                    continue;
                }
                String litestream = LitestreamOracle.query(chain.replicaUrl(), chain.env(), chain.summaryQuery())
                        .strip();
                if (!litestream.equals(chain.lastRestoredSummary())) {
                    problems.add(chain.name() + ": Litestream's VFS reads the final replica as " + litestream
                            + " (count sum max of ids), our restore as " + chain.lastRestoredSummary());
                }
            }
        }
        String report = report(chains, cycles, seed, window, seconds, oracle);
        System.out.println(report);
        Files.createDirectories(LOGS);
        Files.writeString(LOGS.resolve("figures.md"), report, StandardCharsets.UTF_8);
        for (CrashChain chain : chains) {
            chain.close();
        }
        assertThat(problems).as("crash loop problems (seed " + seed + ", child logs in " + LOGS.toAbsolutePath() + ")")
                .isEmpty();
    }

    private static String report(List<CrashChain> chains, int cycles, long seed, long window, long seconds,
                                 boolean oracle) {
        StringBuilder out = new StringBuilder();
        out.append("crash loop: ").append(cycles).append(" cycles in ").append(seconds).append(" s, seed ")
                .append(seed).append(", async window ").append(window).append(" ms, Litestream check ")
                .append(oracle ? "run" : "not run").append("\n\n").append(CrashTally.header()).append('\n');
        for (Durability mode : Durability.values()) {
            CrashTally total = new CrashTally();
            for (CrashChain chain : chains) {
                if (chain.mode() == mode) {
                    out.append(chain.tally().row(chain.name())).append('\n');
                    total.add(chain.tally());
                }
            }
            out.append(total.row("**" + mode + "**")).append('\n');
        }
        return out.toString();
    }
}
