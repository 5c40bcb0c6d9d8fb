package io.github.durablesqlite.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal bar chart as a standalone SVG: one row per bar, the label on the left, the bar
 * scaled to the largest value, the value written at its end. Rows may be grouped under a heading.
 * Small on purpose: the report needs bars a reader can compare, nothing more.
 */
final class SvgChart {
    private static final int WIDTH = 1000;
    private static final int LABEL_WIDTH = 470;
    private static final int VALUE_ROOM = 210;
    private static final int ROW = 22;
    private static final String[] COLORS = {"#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2"};

    private record Row(String group, String label, double value, String text, int color) {}

    private final String title;
    private final String unit;
    private final List<Row> rows = new ArrayList<>();

    SvgChart(String title, String unit) {
        this.title = title;
        this.unit = unit;
    }

    /** Adds a bar; {@code color} picks the series colour so a contender keeps its colour across groups. */
    SvgChart bar(String group, String label, double value, String text, int color) {
        rows.add(new Row(group, label, Double.isFinite(value) ? Math.max(0, value) : 0, text, color));
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    String render() {
        double max = rows.stream().mapToDouble(Row::value).max().orElse(1);
        if (max <= 0) {
            max = 1;
        }
        StringBuilder body = new StringBuilder();
        int y = 46;
        String group = null;
        for (Row row : rows) {
            if (row.group() != null && !row.group().equals(group)) {
                group = row.group();
                y += 6;
                body.append(text(10, y + 14, group, "font-weight:bold"));
                y += ROW;
            }
            int barWidth = (int) Math.round((WIDTH - LABEL_WIDTH - VALUE_ROOM) * row.value() / max);
            body.append(text(LABEL_WIDTH - 8, y + 15, row.label(), "text-anchor:end"));
            body.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                    LABEL_WIDTH, y + 3, Math.max(1, barWidth), ROW - 6, COLORS[row.color() % COLORS.length]));
            body.append(text(LABEL_WIDTH + barWidth + 6, y + 15, row.text(), ""));
            y += ROW;
        }
        int height = y + 30;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"13\">%n", WIDTH, height, WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        svg.append(text(10, 24, title, "font-size:16px;font-weight:bold"));
        svg.append(body);
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"40\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>%n",
                LABEL_WIDTH, LABEL_WIDTH, y));
        svg.append(text(LABEL_WIDTH, y + 20, unit, "fill:#555"));
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String text(int x, int y, String content, String style) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\"%s>%s</text>%n", x, y,
                style.isEmpty() ? "" : " style=\"" + style + "\"", escape(content));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
