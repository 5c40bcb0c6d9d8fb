package io.github.durablesqlite.benchmarks.jmh;

import io.github.durablesqlite.ltx.LtxDecoder;
import io.github.durablesqlite.ltx.PageEncoding;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Reading an LTX file the way a restore, a compaction or a verification does: every page
 * decompressed (LZ4 block, or LZ4 frame with its xxHash32 content checksum), then {@code finish()}
 * checks the page index and the CRC-64 file checksum. From memory, so the score is the decoder's
 * CPU cost; per page of a 64-page file.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LtxDecodeBenchmark {
    @Param({"BLOCK", "FRAME"})
    public PageEncoding encoding;

    // Random pages (JMH's -p content=random) decode about as fast: LZ4 stores them nearly as they are.
    @Param({"sample"})
    public String content;

    private byte[] file;
    private byte[] page;

    @Setup
    public void setUp() throws IOException {
        file = LtxEncodeBenchmark.file(SamplePages.of(content, LtxEncodeBenchmark.PAGES), encoding);
        page = new byte[SamplePages.PAGE_SIZE];
    }

    @Benchmark
    @OperationsPerInvocation(LtxEncodeBenchmark.PAGES)
    public long decodePage() throws IOException {
        try (LtxDecoder decoder = new LtxDecoder(new ByteArrayInputStream(file), "bench.ltx")) {
            long sum = 0;
            int pgno;
            while ((pgno = decoder.nextPage(page)) != 0) {
                sum += pgno + page[pgno];
            }
            return sum ^ decoder.finish().fileChecksum();
        }
    }
}
