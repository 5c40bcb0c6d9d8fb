package io.github.durablesqlite.measurements;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.e2e.support.Await;
import io.github.durablesqlite.e2e.support.E2eFiles;
import io.github.durablesqlite.e2e.support.ExampleAppProcess;
import io.github.durablesqlite.e2e.support.ExitCodes;
import io.github.durablesqlite.e2e.support.NotesClient;
import io.github.durablesqlite.e2e.support.NotesClient.Health;
import io.github.durablesqlite.e2e.support.S3ProxyProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Figures for docs/example-app-measurements.md, not a test of the build: its name keeps it out of
 * {@code ./mvnw verify} (and out of {@code -Dtest='io.github.durablesqlite.e2e.**'}). Run it on its own:
 * {@code ./mvnw -B -pl example-app,example-app-e2e -am verify -Dtest=ExampleAppMeasurement -Dsurefire.failIfNoSpecifiedTests=false}.
 * Results go to {@code target/e2e/measurements.txt}.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ExampleAppMeasurement {

    private static final int ROWS = 25_000;
    private static final int ROW_BYTES = 4_000;
    private static final int STARTS = 3;
    private static final int LAG_SAMPLES = 50;
    private static final Pattern SPRING_STARTED = Pattern.compile("Started \\S+ in (\\d+(?:\\.\\d+)?) seconds");
    private static final Pattern LOG_TIME = Pattern.compile("(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z)");

    private static S3ProxyProcess s3;
    private static Path out;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyProcess.start(E2eFiles.newWorkDir("s3proxy-measure"));
        out = E2eFiles.outputDir().resolve("measurements.txt");
        Files.writeString(out, "# " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, java "
                + System.getProperty("java.version") + ", load average " + loadAverage() + "\n", StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        record("# end " + Instant.now() + ", load average " + loadAverage());
    }

    @Test
    void startUpWithAndWithoutARestoreOfA100MbDatabase() throws Exception {
        Path dir = E2eFiles.newWorkDir("measure-startup");
        String bucket = s3.createBucket("measure-startup");
        List<Duration> fresh = new ArrayList<>();
        List<Duration> freshSpring = new ArrayList<>();
        for (int i = 0; i < STARTS; i++) {
            try (ExampleAppProcess empty = ExampleAppProcess.in(E2eFiles.newWorkDir("measure-empty"),
                    s3.replicaUrl(s3.createBucket("measure-empty-" + i), "notes"), s3.credentials())) {
                fresh.add(empty.start());
                freshSpring.add(springStartup(empty.log()));
                stop(empty);
            }
        }
        record("start, no database and an empty replica (a first deployment)", fresh);
        record("  Spring's own 'Started ExampleApplication in'", freshSpring);

        try (ExampleAppProcess app = ExampleAppProcess.in(dir, s3.replicaUrl(bucket, "notes"), s3.credentials())) {
            app.start();
            stop(app);
            fill(app.dbFile());
            long size = Files.size(app.dbFile());
            record("database file after the fill: " + size / (1024 * 1024) + " MiB (" + ROWS + " notes of " + ROW_BYTES
                    + " random characters)");

            Duration firstStart = app.start();
            NotesClient notes = new NotesClient(app.uri());
            long shippingStarted = System.nanoTime();
            awaitCaughtUp(notes, Duration.ofMinutes(5));
            record("start after the fill (local database, changed while the app was down)", List.of(firstStart));
            record("then until the replica held the full copy (staged during the start, uploaded after)",
                    List.of(Duration.ofNanos(System.nanoTime() - shippingStarted)));
            record("replica size: " + replicaBytes(bucket) / (1024 * 1024) + " MiB");
            stop(app);

            List<Duration> local = new ArrayList<>();
            List<Duration> localSpring = new ArrayList<>();
            for (int i = 0; i < STARTS; i++) {
                local.add(app.start());
                localSpring.add(springStartup(app.log()));
                stop(app);
            }
            record("start, 100 MB database present locally (no restore)", local);
            record("  Spring's own 'Started ExampleApplication in'", localSpring);

            List<Duration> restored = new ArrayList<>();
            List<Duration> restoreOnly = new ArrayList<>();
            List<Duration> restoredSpring = new ArrayList<>();
            for (int i = 0; i < STARTS; i++) {
                app.loseTheDisk();
                restored.add(app.start());
                restoreOnly.add(between(app.log(), "Restorer", "restored "));
                restoredSpring.add(springStartup(app.log()));
                assertThat(new NotesClient(app.uri()).count()).isEqualTo(ROWS);
                stop(app);
            }
            record("start, database lost: restore of 100 MB from S3Proxy, then start", restored);
            record("  Spring's own 'Started ExampleApplication in'", restoredSpring);
            record("  of which the restore (app log: 'restoring' to 'restored', verification included)", restoreOnly);
        }
    }

    @Test
    void delayBetweenA201AndTheNoteBeingInTheReplica() throws Exception {
        Path dir = E2eFiles.newWorkDir("measure-lag");
        String bucket = s3.createBucket("measure-lag");
        try (ExampleAppProcess app = ExampleAppProcess.in(dir, s3.replicaUrl(bucket, "notes"), s3.credentials());
             S3Client client = s3.newS3Client()) {
            app.start();
            NotesClient notes = new NotesClient(app.uri());
            notes.create("warm-up");
            awaitCaughtUp(notes, Duration.ofSeconds(30));

            List<Duration> toObject = new ArrayList<>();
            List<Duration> toHealth = new ArrayList<>();
            for (int i = 0; i < LAG_SAMPLES; i++) {
                long txid = notes.health().detail("localTxid") + 1;
                notes.create("lag sample " + i);
                long acknowledged = System.nanoTime();
                String key = "notes/0000/%016x-%016x.ltx".formatted(txid, txid);
                spinUntil(key + " in the bucket", () -> exists(client, bucket, key));
                toObject.add(Duration.ofNanos(System.nanoTime() - acknowledged));

                Thread.sleep(300);
                long txid2 = notes.health().detail("localTxid") + 1;
                notes.create("lag sample (health) " + i);
                long acknowledged2 = System.nanoTime();
                spinUntil("remoteTxid " + txid2, () -> notes.health().detail("remoteTxid") >= txid2);
                toHealth.add(Duration.ofNanos(System.nanoTime() - acknowledged2));
                Thread.sleep(300);
            }
            record("201 -> its LTX object in the bucket (SDK HeadObject on the key, polled back to back)", toObject);
            record("201 -> /actuator/health remoteTxid covers it (health polled back to back)", toHealth);
            stop(app);
        }
    }

    private static void fill(Path db) throws Exception {
        Random random = new Random(42);
        char[] alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ".toCharArray();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO notes(text, created_at) VALUES (?, ?)")) {
                char[] text = new char[ROW_BYTES];
                for (int i = 0; i < ROWS; i++) {
                    for (int c = 0; c < text.length; c++) {
                        text[c] = alphabet[random.nextInt(alphabet.length)];
                    }
                    insert.setString(1, new String(text));
                    insert.setString(2, Instant.now().toString());
                    insert.addBatch();
                    if (i % 1000 == 999) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            connection.commit();
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        }
    }

    private static void awaitCaughtUp(NotesClient notes, Duration timeout) {
        Await.until("remoteTxid = localTxid", timeout, () -> {
            Health health = notes.health();
            return health.detail("localTxid") > 0 && health.detail("remoteTxid") == health.detail("localTxid");
        });
    }

    /** Polls back to back (no pause: a pause would be measured too), for at most 30 s. */
    private static void spinUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
        }
    }

    private static boolean exists(S3Client client, String bucket, String key) {
        try {
            client.headObject(request -> request.bucket(bucket).key(key));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** Time between the first log line containing {@code from} and the next containing {@code to}. */
    private static Duration between(String log, String from, String to) {
        Instant start = null;
        for (String line : log.lines().toList()) {
            Matcher time = LOG_TIME.matcher(line);
            if (!time.lookingAt()) {
                continue;
            }
            if (start == null && line.contains(from)) {
                start = Instant.parse(time.group(1));
            } else if (start != null && line.contains(to)) {
                return Duration.between(start, Instant.parse(time.group(1)));
            }
        }
        throw new AssertionError("no '" + from + "' then '" + to + "' in the app's log");
    }

    /** Spring Boot's "Started ... in N seconds": from the JVM's start of the application to the context being ready. */
    private static Duration springStartup(String log) {
        Matcher started = SPRING_STARTED.matcher(log);
        if (!started.find()) {
            throw new AssertionError("no 'Started ... in N seconds' in the app's log");
        }
        return Duration.ofMillis(Math.round(Double.parseDouble(started.group(1)) * 1000));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static long replicaBytes(String bucket) {
        try (S3Client client = s3.newS3Client()) {
            long total = 0;
            for (S3Object object : client.listObjectsV2Paginator(request -> request.bucket(bucket)).contents()) {
                total += object.size();
            }
            return total;
        }
    }

    private static void stop(ExampleAppProcess app) {
        app.sigterm();
        assertThat(app.awaitExit(ExampleAppProcess.STOP_TIMEOUT)).isIn(ExitCodes.CLEAN_STOP);
    }

    private static void record(String line) throws Exception {
        Files.writeString(out, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private static void record(String what, List<Duration> samples) throws Exception {
        List<Long> ms = new ArrayList<>(samples.stream().map(Duration::toMillis).toList());
        Collections.sort(ms);
        String line = what + ": n=" + ms.size() + " min " + ms.get(0) + " ms, median " + ms.get(ms.size() / 2)
                + " ms, p90 " + ms.get((int) Math.min(ms.size() - 1, Math.ceil(ms.size() * 0.9) - 1)) + " ms, max "
                + ms.get(ms.size() - 1) + " ms; all: " + ms;
        record(line);
    }
}
