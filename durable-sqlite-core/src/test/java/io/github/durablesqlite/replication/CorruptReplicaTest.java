package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.replica.ReplicaClient;
import io.github.durablesqlite.replica.ReplicaClients;
import io.github.durablesqlite.replica.ReplicaUrl;
import io.github.durablesqlite.testing.DatabaseDump;
import io.github.durablesqlite.testing.S3ProxyServer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damage every file of a small real replica (a snapshot, level-1 compactions and level-0 files) in
 * every way a disk or an operator can, and restore after each: the outcome is always either an
 * error that names the damaged object or a database identical to the source. Never a database
 * that fails SQLite's integrity check, never a different database, never a file left behind.
 */
class CorruptReplicaTest {
    /**
     * Every this many bytes of every file, one bit is flipped (a prime, so bits land in every field).
     * S3 reads through the same decoder, so its sweep is coarser and adds what S3 changes: keys,
     * error translation and pooled connections (a leak of one per failed restore was found here).
     */
    static final int STRIDE = 97;
    static final int S3_STRIDE = 389;

    @TempDir
    Path dir;

    /** The replica's source: its final content and the content at every TXID. */
    record Source(String dump, long latest, TreeMap<Long, String> digests) {}

    enum Kind { NAMED_ERROR, IDENTICAL, EARLIER_STATE }

    /** What the trials of one kind of damage gave. */
    static final class Outcomes {
        final Map<Kind, Integer> counts = new TreeMap<>();
        final List<String> defects = new ArrayList<>();

        void add(Kind kind) {
            counts.merge(kind, 1, Integer::sum);
        }

        int total() {
            return counts.values().stream().mapToInt(Integer::intValue).sum() + defects.size();
        }

        @Override
        public String toString() {
            return total() + " trials: " + counts + ", defects " + defects.size();
        }
    }

    static Source build(Path dir, RawReplica raw) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        // Level 1 every minute, level 0 kept an hour: the replica holds all three kinds of file, and the
        // restore of the latest state reads a snapshot, level-1 files and the newest level-0 files.
        HistoryOptions options = new HistoryOptions(List.of(Duration.ofSeconds(60)), Duration.ofHours(1),
                Duration.ofHours(1), Duration.ofHours(1), null);
        TreeMap<Long, String> digests;
        try (HistoryHarness h = new HistoryHarness(src, raw.url(), raw.env(), options)) {
            for (int i = 0; i < 14; i++) {
                h.commit();
                h.advance(Duration.ofSeconds(10));
            }
            digests = new TreeMap<>(h.digests);
        }
        return new Source(DatabaseDump.of(src.resolve("app.db")), digests.lastKey(), digests);
    }

    static List<String> ltxNames(RawReplica raw) {
        return raw.names().stream().filter(n -> n.endsWith(".ltx")).toList();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "s3"})
    void bitFlipsTruncationsAndDeletionsGiveANamedErrorOrTheSameDatabase(String backend) throws Exception {
        try (RawReplica raw = open(backend, dir);
             ReplicaClient client = ReplicaClients.open(ReplicaUrl.parse(raw.url()), raw.env())) {
            Source source = build(dir, raw);
            List<String> files = ltxNames(raw);
            assertThat(files).as("files of every kind")
                    .anyMatch(n -> n.startsWith(raw.ltxName(0, ""))).anyMatch(n -> n.startsWith(raw.ltxName(1, "")))
                    .anyMatch(n -> n.startsWith(raw.ltxName(9, "")));
            Trial trial = new Trial(dir, client, source);

            Outcomes flips = new Outcomes();
            Outcomes truncations = new Outcomes();
            Outcomes deletions = new Outcomes();
            for (String name : files) {
                byte[] original = raw.read(name);
                // Restored to the file's own max TXID, so the plan reads it (the latest state would skip most files).
                long target = Long.parseUnsignedLong(name.substring(name.length() - 20, name.length() - 4), 16);
                for (int offset : flipOffsets(original, backend.equals("s3") ? S3_STRIDE : STRIDE)) {
                    byte[] damaged = original.clone();
                    damaged[offset] ^= (byte) (1 << (offset % 8));
                    raw.write(name, damaged);
                    trial.judge(name, "bit " + offset % 8 + " of byte " + offset, target, flips, false);
                }
                for (int length : truncatedLengths(original.length)) {
                    raw.write(name, Arrays.copyOf(original, length));
                    trial.judge(name, length > original.length ? "a byte appended" : "cut to " + length + " bytes",
                            target, truncations, false);
                }
                raw.write(name, original);
                Runnable undo = raw.delete(name);
                trial.judge(name, "deleted", source.latest(), deletions, true);
                undo.run();
            }
            System.out.printf("corrupt replica sweep (%s, %d files): bit flips %s; truncations %s; deletions %s%n",
                    backend, files.size(), flips, truncations, deletions);
            for (Outcomes outcomes : List.of(flips, truncations, deletions)) {
                assertThat(outcomes.defects).isEmpty();
                assertThat(outcomes.counts.get(Kind.NAMED_ERROR)).as("trials that read a damaged file").isPositive();
            }
            assertThat(flips.total()).isGreaterThan(files.size() * 5);
            assertThat(flips.counts).doesNotContainKey(Kind.EARLIER_STATE);
            assertThat(truncations.counts).doesNotContainKey(Kind.EARLIER_STATE);
            // The untouched replica still restores to the source.
            Outcomes clean = new Outcomes();
            trial.judge("(none)", "no damage", source.latest(), clean, false);
            assertThat(clean.counts).containsOnlyKeys(Kind.IDENTICAL);
        }
    }

    static RawReplica open(String backend, Path dir) {
        return backend.equals("s3")
                ? RawReplica.s3(S3ProxyServer.shared(), "app")
                : RawReplica.directory(dir.resolve("replica"));
    }

    /**
     * Every {@code stride}th byte, plus one byte in each part of the file: header fields, the first
     * page frame, the end-of-pages header, the page index, its length and the trailer's two checksums.
     */
    static TreeSet<Integer> flipOffsets(byte[] file, int stride) {
        TreeSet<Integer> offsets = new TreeSet<>();
        for (int i = 0; i < file.length; i += stride) {
            offsets.add(i);
        }
        int len = file.length;
        long indexLength = ByteBuffer.wrap(file, len - 24, 8).getLong();
        int indexStart = (int) (len - 24 - indexLength);
        for (int offset : new int[] {0, 7, 11, 15, 23, 31, 39, 47, 99, 100, 105, 110, indexStart - 1, indexStart,
                indexStart + 1, len - 17, len - 9, len - 1}) {
            if (offset >= 0 && offset < len) {
                offsets.add(offset);
            }
        }
        return offsets;
    }

    static List<Integer> truncatedLengths(int length) {
        return new TreeSet<>(List.of(0, 1, 50, 99, 100, 106, length / 2, length - 24, length - 16, length - 8,
                length - 1, length + 1)).stream().filter(n -> n >= 0).toList();
    }

    /** Restores after one kind of damage and classifies the outcome. */
    static final class Trial {
        private final Path dir;
        private final Restorer restorer;
        private final Source source;
        private int runs;

        Trial(Path dir, ReplicaClient client, Source source) {
            this.dir = dir;
            this.restorer = new Restorer(client, ReplicationMetrics.NONE);
            this.source = source;
        }

        /** Restores {@code target} (for a deleted file: the latest state) and classifies the outcome. */
        void judge(String name, String damage, long target, Outcomes outcomes, boolean deleted) throws Exception {
            Path outDir = Files.createDirectories(dir.resolve("out-" + runs++));
            Path output = outDir.resolve("restored.db");
            String what = name + " " + damage;
            boolean restored = false;
            try {
                Restorer.Result result = restorer.restore(output, deleted ? null : target, null, null, null);
                restored = true;
                String integrity = DatabaseDump.integrityCheck(output);
                if (!integrity.equals("ok")) {
                    outcomes.defects.add(what + ": restored a database failing integrity_check: " + integrity);
                } else if (result.txid() == target && (target == source.latest()
                        ? DatabaseDump.of(output).equals(source.dump())
                        : HistoryHarness.digest(output).equals(source.digests().get(target)))) {
                    outcomes.add(Kind.IDENTICAL);
                } else if (deleted && result.txid() < source.latest()
                        && HistoryHarness.digest(output).equals(source.digests().get(result.txid()))) {
                    // Only the newest file held the newest TXID: the replica now ends earlier, truthfully.
                    outcomes.add(Kind.EARLIER_STATE);
                } else {
                    outcomes.defects.add(what + ": restored a database that differs from the source at TXID "
                            + result.txid());
                }
            } catch (Exception e) {
                String file = name.substring(name.lastIndexOf('/') + 1);
                String message = String.valueOf(e.getMessage());
                boolean named = deleted ? message.contains("missing TXID") : message.contains(file);
                if (named) {
                    outcomes.add(Kind.NAMED_ERROR);
                } else {
                    outcomes.defects.add(what + ": error does not name the object: " + e);
                }
            }
            boolean keep = restored;
            try (Stream<Path> left = Files.list(outDir)) {
                List<Path> leftovers = left.filter(p -> !(p.equals(output) && keep)).toList();
                if (!leftovers.isEmpty()) {
                    outcomes.defects.add(what + ": left " + leftovers);
                }
            }
            Files.deleteIfExists(output);
            Files.deleteIfExists(outDir);
        }
    }
}
