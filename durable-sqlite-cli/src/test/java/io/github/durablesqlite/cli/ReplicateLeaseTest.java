package io.github.durablesqlite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.testing.S3ProxyServer;
import io.github.durablesqlite.testing.Sqlite3;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code replicate} takes the replica's lease: a second process is refused with one line naming the
 * first, a process killed with SIGKILL is succeeded once its lease expires, and a clean stop hands
 * the replica over at once. Real processes, a real S3 server.
 */
class ReplicateLeaseTest {
    private static final S3ProxyServer S3 = S3ProxyServer.shared();

    @TempDir
    Path dir;

    @BeforeAll
    static void needsSqlite3() {
        Sqlite3.assumeAvailable();
    }

    private Process replicate(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "replicate", "--sync-interval", "100ms"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile());
        builder.environment().putAll(S3.env());
        return builder.start();
    }

    private String out(String name) throws IOException {
        Path file = dir.resolve(name + ".out");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private String err(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".err"));
    }

    /** Waits for the process to say it replicates; returns the milliseconds that took. */
    private long awaitReplicating(String name, Process process) throws Exception {
        long started = System.nanoTime();
        while (!out(name).contains("replicating")) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ": " + err(name));
            }
            if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(60)) {
                throw new AssertionError(name + " did not start replicating: " + err(name));
            }
            Thread.sleep(20);
        }
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static boolean leaseExists(String bucket) {
        try (S3Client raw = S3.newS3Client()) {
            raw.headObject(b -> b.bucket(bucket).key("app/lease.json"));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Test
    void aSecondReplicateIsRefusedAKilledOneIsSucceededAndACleanStopHandsOver() throws Exception {
        Path blueDb = dir.resolve("blue.db");
        Path greenDb = dir.resolve("green.db");
        for (Path db : List.of(blueDb, greenDb)) {
            Sqlite3.exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('" + db + "');");
        }
        String bucket = S3.newBucket();
        String url = S3.replicaUrl(bucket, "app");

        Process blue = replicate("blue", "--lease-ttl", "2s", blueDb.toString(), url);
        awaitReplicating("blue", blue);

        Process green = replicate("green", "--lease-ttl", "2s", greenDb.toString(), url);
        assertThat(green.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(green.exitValue()).as(err("green")).isEqualTo(1);
        List<String> lines = err("green").lines().filter(line -> line.startsWith("durable-sqlite:")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("green.db - replica s3://" + bucket + "/app is in use by another instance")
                .contains("pid " + blue.pid()).contains("database " + blueDb);
        assertThat(out("green")).doesNotContain("replicating");

        // SIGKILL: no release. The same database restarted here waits for the lease to expire, then takes over.
        blue.destroyForcibly();
        assertThat(blue.waitFor(20, TimeUnit.SECONDS)).isTrue();
        long killed = System.nanoTime();
        assertThat(leaseExists(bucket)).as("a killed process leaves its lease").isTrue();
        Process blueAgain = replicate("blue-again", "--lease-ttl", "2s", blueDb.toString(), url);
        awaitReplicating("blue-again", blueAgain);
        long afterKill = (System.nanoTime() - killed) / 1_000_000;
        assertThat(out("blue-again") + err("blue-again")).doesNotContain("durable-sqlite:");

        // SIGTERM: a clean stop releases the lease, and another database may replicate there at once.
        blueAgain.destroy();
        assertThat(blueAgain.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(blueAgain.exitValue()).as(err("blue-again")).isZero();
        assertThat(leaseExists(bucket)).as("the lease after a clean stop").isFalse();
        Process greenAgain = replicate("green-again", "--lease-ttl", "2s", greenDb.toString(), url);
        long afterStop = awaitReplicating("green-again", greenAgain);
        greenAgain.destroy();
        assertThat(greenAgain.waitFor(30, TimeUnit.SECONDS)).isTrue();
        System.out.printf("replicate with a 2s lease: successor after SIGKILL replicating in %d ms (JVM start "
                + "included), after a clean stop in %d ms%n", afterKill, afterStop);
    }

    @Test
    void withNoLeaseASecondProcessReplicatesToo() throws Exception {
        Path db = dir.resolve("app.db");
        Sqlite3.exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(v TEXT);");
        String bucket = S3.newBucket();
        String url = S3.replicaUrl(bucket, "app");
        Process first = replicate("first", "--no-lease", db.toString(), url);
        awaitReplicating("first", first);
        assertThat(leaseExists(bucket)).isFalse();
        first.destroy();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(CliBadInputTest.run(Map.of(), "replicate", "--lease-ttl", "10ms", db.toString(), url)
                .err()).contains("--lease-ttl must be at least 1s");
    }
}
