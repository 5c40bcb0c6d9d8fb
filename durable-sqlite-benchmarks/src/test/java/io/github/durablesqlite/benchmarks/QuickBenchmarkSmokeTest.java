package io.github.durablesqlite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs the harness in its smallest form so it cannot rot; the figures themselves are not judged here. */
class QuickBenchmarkSmokeTest {
    @Test
    void producesAReportWithEveryTable() throws Exception {
        String report = new QuickBenchmark(1, 1, 5).run();
        assertThat(report).contains("Single-row autocommit inserts", "DurableDataSource", "Commit to object in S3")
                .containsPattern("\\| 5 \\| [0-9.]+ ms");
    }
}
