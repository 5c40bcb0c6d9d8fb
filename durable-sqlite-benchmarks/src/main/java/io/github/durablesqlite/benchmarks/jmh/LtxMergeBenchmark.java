package io.github.durablesqlite.benchmarks.jmh;

import io.github.durablesqlite.ltx.LtxDecoder;
import io.github.durablesqlite.ltx.LtxEncoder;
import io.github.durablesqlite.ltx.LtxHeader;
import io.github.durablesqlite.ltx.LtxMerger;
import io.github.durablesqlite.ltx.PageEncoding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A level compaction's merge ({@code Compactor}, and a restore's): {@value #FILES} consecutive L0
 * files of {@value #PAGES_PER_FILE} pages each (page 1 and pages picked at random from a 256-page
 * database, as small commits leave them) decoded side by side and merged, newest copy of each page
 * winning, every file checksum verified. In the default encoding (LZ4 frame); the merged pages go to a
 * sink, not to a new file, so re-encoding is not counted (see the encode rows). Score per merge.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LtxMergeBenchmark {
    static final int FILES = 16;
    static final int PAGES_PER_FILE = 8;
    public static final int INPUT_PAGES = FILES * PAGES_PER_FILE;
    private static final int DATABASE_PAGES = 256;

    private final List<byte[]> files = new ArrayList<>();

    @Setup
    public void setUp() throws IOException {
        byte[][] pages = SamplePages.sample(PAGES_PER_FILE * FILES);
        Random random = new Random(7);
        for (int f = 0; f < FILES; f++) {
            TreeSet<Integer> pgnos = new TreeSet<>(List.of(1));
            while (pgnos.size() < PAGES_PER_FILE) {
                pgnos.add(2 + random.nextInt(DATABASE_PAGES - 1));
            }
            long txid = 2 + f;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (LtxEncoder encoder = new LtxEncoder(out, LtxHeader.of(SamplePages.PAGE_SIZE, DATABASE_PAGES, txid,
                    txid, 1_700_000_000_000L + f), PageEncoding.FRAME)) {
                int i = 0;
                for (int pgno : pgnos) {
                    encoder.writePage(pgno, pages[f * PAGES_PER_FILE + i++]);
                }
                encoder.finish();
            }
            files.add(out.toByteArray());
        }
    }

    @Benchmark
    public LtxHeader merge16(Blackhole bh) throws IOException {
        List<LtxDecoder> decoders = new ArrayList<>(FILES);
        for (int i = 0; i < FILES; i++) {
            // From memory: the engine's 64 KiB read buffers would only add allocation here (and GC noise).
            decoders.add(new LtxDecoder(new ByteArrayInputStream(files.get(i)), "l0-" + i));
        }
        return LtxMerger.merge(decoders, (pgno, page) -> bh.consume(page));
    }
}
