package io.github.durablesqlite.benchmarks.jmh;

import io.github.durablesqlite.ltx.LtxEncoder;
import io.github.durablesqlite.ltx.LtxHeader;
import io.github.durablesqlite.ltx.PageEncoding;
import java.io.ByteArrayOutputStream;
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
 * Writing an LTX file the way a sync does ({@code LtxWriter}): header, each page compressed and
 * checksummed, page index and trailer, into memory. Scores are per page; the file is 64 pages, so
 * the per-file work (header, index, trailer) is spread over them as over a mid-sized sync.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LtxEncodeBenchmark {
    static final int PAGES = 64;

    @Param({"BLOCK", "FRAME"})
    public PageEncoding encoding;

    @Param({"sample", "random"})
    public String content;

    private byte[][] pages;
    private LtxHeader header;
    private ByteArrayOutputStream out;

    @Setup
    public void setUp() {
        pages = SamplePages.of(content, PAGES);
        header = LtxHeader.of(SamplePages.PAGE_SIZE, PAGES, 2, 2, 1_700_000_000_000L);
        out = new ByteArrayOutputStream(2 * PAGES * SamplePages.PAGE_SIZE);
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public long encodePage() throws IOException {
        out.reset();
        try (LtxEncoder encoder = new LtxEncoder(out, header, encoding)) {
            for (int i = 0; i < PAGES; i++) {
                encoder.writePage(i + 1, pages[i]);
            }
            return encoder.finish().fileChecksum() ^ out.size();
        }
    }

    /** The LTX file of {@code pages}, for the decode benchmarks. */
    static byte[] file(byte[][] pages, PageEncoding encoding) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LtxEncoder encoder = new LtxEncoder(out, LtxHeader.of(SamplePages.PAGE_SIZE, pages.length, 2, 2,
                1_700_000_000_000L), encoding)) {
            for (int i = 0; i < pages.length; i++) {
                encoder.writePage(i + 1, pages[i]);
            }
            encoder.finish();
        }
        return out.toByteArray();
    }
}
