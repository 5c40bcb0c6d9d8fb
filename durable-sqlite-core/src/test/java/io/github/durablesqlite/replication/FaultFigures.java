package io.github.durablesqlite.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the fault tests measured, written to {@code target/fault-figures/<suite>.txt} for the docs
 * (figures are recorded, never asserted), plus the fault suite's lengths and a polling wait.
 */
final class FaultFigures {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private final String suite;
    private final Map<String, String> figures = new TreeMap<>();

    FaultFigures(String suite) {
        this.suite = suite;
    }

    synchronized void put(String key, Object value) {
        figures.put(key, String.valueOf(value));
    }

    /** Writes the figures; call once, after the suite. */
    synchronized void write() {
        StringBuilder text = new StringBuilder("# " + suite + ", " + Instant.now() + "\n");
        figures.forEach((key, value) -> text.append(key).append(": ").append(value).append('\n'));
        try {
            Path dir = Path.of("target", "fault-figures");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(suite + ".txt"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.print(text);
    }

    /**
     * A length from a system property, written as Litestream writes durations ({@code 20s}, {@code 2m}),
     * so the long form is {@code -Dfaults.outage=2m}.
     */
    static Duration length(String property, Duration quick) {
        String text = System.getProperty(property);
        if (text == null || text.isBlank()) {
            return quick;
        }
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("-D" + property + "=" + text + " is not a duration: write e.g. 20s or 2m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** Polls until the condition holds or the limit passes; returns whether it held. */
    static boolean waitFor(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return true;
    }
}
