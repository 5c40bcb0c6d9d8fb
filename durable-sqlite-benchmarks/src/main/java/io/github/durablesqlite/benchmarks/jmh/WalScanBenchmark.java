package io.github.durablesqlite.benchmarks.jmh;

import io.github.durablesqlite.wal.WalReader;
import io.github.durablesqlite.wal.WalScan;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a sync does first: {@link WalReader#scan} from the WAL's start, reading the frames in 1 MiB
 * runs and checking salts and SQLite's cumulative checksum frame by frame. The WAL is a real one,
 * written by sqlite-jdbc with single-row autocommit inserts of ~1 KB rows, cut to exactly
 * {@value #FRAMES} frames (4 MiB) so the score is per frame; it sits in the page cache, as a WAL
 * just written does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WalScanBenchmark {
    static final int FRAMES = 1024;
    private static final int WAL_HEADER = 32;
    private static final int FRAME_SIZE = 24 + SamplePages.PAGE_SIZE;

    private Path dir;
    private WalReader reader;

    @Setup(Level.Trial)
    public void setUp() throws IOException, SQLException {
        dir = Files.createTempDirectory("jmh-wal");
        Path db = dir.resolve("wal.db");
        Path wal = dir.resolve("wal.db-wal");
        long wanted = WAL_HEADER + (long) FRAMES * FRAME_SIZE;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA wal_autocheckpoint=0"); // as the engine sets it: the WAL only grows here
            s.execute("PRAGMA synchronous=OFF"); // only to write the WAL quickly; the scan reads it from memory
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO t(v) VALUES (hex(randomblob(250)) || printf('%0500d', ?))")) {
                for (int i = 0; Files.size(wal) < wanted; i++) {
                    insert.setInt(1, i);
                    insert.executeUpdate();
                }
            }
            // Copied while the connection is open (closing the last one would checkpoint and delete it).
            Path copy = dir.resolve("copy-wal");
            try (InputStream in = Files.newInputStream(wal); OutputStream out = Files.newOutputStream(copy)) {
                out.write(in.readNBytes((int) wanted));
            }
            reader = new WalReader(copy);
        }
        WalScan scan = reader.scan(null);
        if (scan == null || scan.transactions() == 0 || scan.end().offset() < wanted - 8L * FRAME_SIZE) {
            throw new IllegalStateException("the copied WAL does not scan as expected: " + scan);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        reader.close();
        SamplePages.deleteRecursively(dir);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public WalScan scanFrame() throws IOException {
        return reader.scan(null);
    }
}
