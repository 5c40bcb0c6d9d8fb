package io.github.durablesqlite.benchmarks.jmh;

import io.github.durablesqlite.ltx.Crc64;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The LTX file checksum over one 4 KiB page: every page the engine writes or reads passes through
 * it once, uncompressed, on top of LZ4.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class Crc64Benchmark {
    private byte[] page;

    @Setup
    public void setUp() {
        page = SamplePages.sample(1)[0];
    }

    @Benchmark
    public long page() {
        Crc64 crc = new Crc64();
        crc.update(page, 0, page.length);
        return crc.value();
    }
}
