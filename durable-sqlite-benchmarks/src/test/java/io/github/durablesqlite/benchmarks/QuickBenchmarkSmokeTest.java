package io.github.durablesqlite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs every scenario in its smallest form so the harness cannot rot; the figures themselves are
 * not judged here (performance goes to docs/benchmarks.md). Never writes the docs. Under CI the
 * Litestream tools must be present, so the side-by-side parts run too.
 */
class QuickBenchmarkSmokeTest {
    @Test
    void everyScenarioProducesItsSection() throws Exception {
        Tools tools = Tools.locate();
        Report report = Main.run(Settings.smoke(), tools);
        String markdown = Document.render(Settings.smoke(), tools, report);

        assertThat(markdown).contains("## Targets", "## 1. Write cost", "## 2. Replication lag", "## 3. Restore",
                "## 4. Requests and cost", "## 5. Memory", "## 6. Per-operation costs (JMH)", "durable-sqlite async");
        assertThat(report.charts()).containsKeys("write-cost", "lag", "requests", "restore", "memory");
        assertThat(report.charts().get("lag").render()).startsWith("<svg").contains("<rect");
        assertThat(report.figure("lag-sparse-p50/" + Contender.ASYNC.name())).isPositive();
        assertThat(report.figure("restore-fresh/ours")).isPositive();
        assertThat(report.figure("memory/heap")).isNotNaN();
        // The JMH part in its smoke form: CRC-64 only, run by JMH's runner from the generated benchmark list.
        assertThat(markdown).contains("| CRC-64 (the LTX file checksum) of a page | – | ");
        assertThat(report.figure("jmh-seconds")).isPositive();
        if (tools.missing().isEmpty()) {
            assertThat(markdown).contains(Contender.LITESTREAM.name(), "Litestream 0.5.17 VFS reading our replica",
                    Contender.CLI.name());
            assertThat(report.figure("restore-fresh/litestream")).isPositive();
            assertThat(report.figure("restore-fresh/vfs")).isPositive();
        }
    }
}
