package io.github.durablesqlite.replication;

import io.github.durablesqlite.ltx.LtxDecoder;
import io.github.durablesqlite.ltx.LtxEncoder;
import io.github.durablesqlite.ltx.LtxHeader;
import io.github.durablesqlite.ltx.LtxMerger;
import io.github.durablesqlite.ltx.PageEncoding;
import io.github.durablesqlite.ltx.PageSink;
import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Merges the files of one level into one file of the next, as Litestream compacts: level N takes
 * every level N-1 file after the newest level-N file. Level-0 inputs are read from the
 * {@link LocalLtxCache} when it still has them, other inputs are downloaded once into the work
 * directory; the merge runs locally and the result is uploaded once.
 */
final class Compactor {
    /** Most files merged into one output; a longer run becomes several outputs (bounds open files). */
    static final int MAX_INPUTS = 256;

    private final ReplicaClient client;
    private final ReplicaIndex index;
    private final LocalLtxCache cache;
    private final Path workDir;
    private final PageEncoding encoding;
    private final ReplicationMetrics metrics;
    private final BooleanSupplier stopping;

    Compactor(ReplicaClient client, ReplicaIndex index, LocalLtxCache cache, Path workDir, PageEncoding encoding,
              ReplicationMetrics metrics, BooleanSupplier stopping) {
        this.client = client;
        this.index = index;
        this.cache = cache;
        this.workDir = workDir;
        this.encoding = encoding;
        this.metrics = metrics;
        this.stopping = stopping;
    }

    /**
     * The files of the level below to merge next: those ending after {@code after}, as one chain
     * (each starting at most one past the previous end) of at most {@link #MAX_INPUTS} files. A chain
     * may start anywhere after {@code after}: a gap below (files retention removed before they were
     * merged, or a replica another tool pruned) must not stop compaction for ever.
     */
    static List<LtxFileInfo> sources(List<LtxFileInfo> below, long after) {
        List<LtxFileInfo> chain = new ArrayList<>();
        long reached = after;
        for (LtxFileInfo file : below) {
            if (file.maxTxid() <= reached) {
                continue;
            }
            if (!chain.isEmpty() && file.minTxid() > reached + 1) {
                break;
            }
            chain.add(file);
            reached = file.maxTxid();
            if (chain.size() == MAX_INPUTS) {
                break;
            }
        }
        return chain;
    }

    /** Writes one file at {@code level} from what is new below it; null when nothing is. */
    LtxFileInfo compact(int level) throws IOException {
        List<LtxFileInfo> inputs = sources(index.files(level - 1), index.maxTxid(level));
        if (inputs.isEmpty()) {
            return null;
        }
        long started = System.nanoTime();
        Files.createDirectories(workDir);
        List<Path> downloaded = new ArrayList<>();
        Path output = workDir.resolve(level + "-" + Staging.fileName(inputs.get(0).minTxid(),
                inputs.get(inputs.size() - 1).maxTxid()) + ".tmp");
        try {
            List<Path> local = new ArrayList<>();
            for (LtxFileInfo input : inputs) {
                Path cached = input.level() == 0 ? cache.find(input.minTxid(), input.maxTxid()) : null;
                if (cached == null) {
                    cached = download(input);
                    downloaded.add(cached);
                }
                local.add(cached);
            }
            LtxHeader header = merge(inputs, local, output);
            LtxFileInfo written = client.writeFile(level, header.minTxid(), header.maxTxid(), output,
                    Instant.ofEpochMilli(header.timestamp()));
            index.add(written);
            if (level == 1) {
                cache.removeUpTo(written.maxTxid());
            }
            metrics.compacted(level, written.minTxid(), written.maxTxid(), written.size(), System.nanoTime() - started);
            return written;
        } finally {
            Files.deleteIfExists(output);
            for (Path path : downloaded) {
                Files.deleteIfExists(path);
            }
        }
    }

    private Path download(LtxFileInfo file) throws IOException {
        Path target = workDir.resolve("fetch-" + file.level() + "-" + file.fileName() + ".tmp");
        try (InputStream in = client.openFile(file.level(), file.minTxid(), file.maxTxid())) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    private LtxHeader merge(List<LtxFileInfo> inputs, List<Path> local, Path output) throws IOException {
        List<LtxDecoder> decoders = new ArrayList<>();
        try {
            for (int i = 0; i < inputs.size(); i++) {
                InputStream in = new BufferedInputStream(Files.newInputStream(local.get(i)), 64 * 1024);
                try {
                    decoders.add(new LtxDecoder(in, ReplicaInspector.describe(client, inputs.get(i))));
                } catch (IOException | RuntimeException e) {
                    in.close(); // a damaged header must not leak the file
                    throw e;
                }
            }
            LtxHeader header = LtxMerger.mergedHeader(decoders.stream().map(LtxDecoder::header).toList());
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output), 64 * 1024);
                 LtxEncoder encoder = new LtxEncoder(out, header, encoding)) {
                PageSink sink = (pgno, page) -> {
                    if (stopping.getAsBoolean()) {
                        throw new InterruptedIOException("compaction stopped: replication is closing");
                    }
                    encoder.writePage(pgno, page);
                };
                LtxMerger.merge(decoders, sink);
                encoder.finish();
            }
            return header;
        } finally {
            for (LtxDecoder decoder : decoders) {
                try {
                    decoder.close();
                } catch (IOException ignored) {
                    // the merge result or its error is what matters
                }
            }
        }
    }
}
