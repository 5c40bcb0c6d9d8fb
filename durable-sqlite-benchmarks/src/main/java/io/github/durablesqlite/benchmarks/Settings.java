package io.github.durablesqlite.benchmarks;

/**
 * Sizes of one benchmark set. {@code smoke} exercises every scenario in seconds (CI), {@code quick}
 * is the documented run (under 10 minutes on 2 cores), {@code full} uses the sizes the targets name.
 */
/*
 * writeSeconds, writeRounds: the measured part of the write-cost slice each contender runs per round
 * (whole sync intervals), and how many rounds.
 * writeWarmupMillis: how long each contender's fresh database runs a workload before its slices are
 * measured, so every contender is measured in its steady state (the WAL written, checkpointed and
 * restarted a few times) rather than while a fresh database's WAL first grows.
 * settleMillis: how long to wait for uploads to finish after the last commit (Litestream syncs every
 * second) and how long without a new object counts as quiet.
 */
record Settings(String name, int writeSeconds, int writeRounds, int sparseSamples, int denseRate, int denseSeconds,
                int idleSeconds, int costSeconds, long restoreBytes, int historyCommits, int restoreRounds,
                long memoryBytes, int settleMillis, int writeWarmupMillis) {
    static final long MIB = 1024 * 1024;

    static Settings smoke() {
        return new Settings("smoke", 1, 1, 3, 100, 1, 2, 2, 2 * MIB, 200, 1, 4 * MIB, 1500, 200);
    }

    static Settings quick() {
        return new Settings("quick", 1, 5, 30, 200, 6, 15, 10, 128 * MIB, 10_000, 3, 128 * MIB, 3000, 1500);
    }

    static Settings full() {
        return new Settings("full", 4, 10, 120, 200, 30, 120, 60, 1024 * MIB, 50_000, 5, 2048 * MIB, 3000, 5000);
    }
}
