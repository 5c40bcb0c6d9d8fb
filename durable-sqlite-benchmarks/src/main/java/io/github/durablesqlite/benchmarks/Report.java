package io.github.durablesqlite.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run produced: Markdown sections in order, the charts they refer to (written next to the
 * document, in a directory named after it: {@code docs/benchmarks/NAME.svg} for
 * {@code docs/benchmarks.md}) and the figures the targets table compares.
 */
final class Report {
    /** One row of the targets table. */
    record Target(String target, String measured, Boolean met, String note) {}

    private final StringBuilder markdown = new StringBuilder();
    private final Map<String, SvgChart> charts = new LinkedHashMap<>();
    private final List<Target> targets = new ArrayList<>();
    private final Map<String, Double> figures = new LinkedHashMap<>();
    private final String chartDirectory;

    Report() {
        this("benchmarks");
    }

    /** {@code chartDirectory}: where the document's charts are, relative to the document. */
    Report(String chartDirectory) {
        this.chartDirectory = chartDirectory;
    }

    Report section(String text) {
        markdown.append(text);
        if (!text.endsWith("\n\n")) {
            markdown.append(text.endsWith("\n") ? "\n" : "\n\n");
        }
        return this;
    }

    /** Adds a chart and the Markdown image line that shows it. */
    Report chart(String name, SvgChart chart) {
        if (!chart.isEmpty()) {
            charts.put(name, chart);
            section("![" + name + "](" + chartDirectory + "/" + name + ".svg)");
        }
        return this;
    }

    Report target(String target, String measured, Boolean met, String note) {
        targets.add(new Target(target, measured, met, note));
        return this;
    }

    /** Records a figure under a key for the targets table. */
    void figure(String key, double value) {
        figures.put(key, value);
    }

    /** A recorded figure, NaN when its scenario did not run. */
    double figure(String key) {
        return figures.getOrDefault(key, Double.NaN);
    }

    String markdown() {
        return markdown.toString();
    }

    Map<String, SvgChart> charts() {
        return charts;
    }

    List<Target> targets() {
        return targets;
    }
}
