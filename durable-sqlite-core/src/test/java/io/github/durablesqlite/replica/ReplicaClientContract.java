package io.github.durablesqlite.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link ReplicaClient} must do. One subclass per backend supplies fresh, isolated
 * replica locations; the tests are the same for all.
 */
abstract class ReplicaClientContract {

    /** Above one S3 LIST page and one DeleteObjects call (1000 keys each), so both are exercised. */
    static final int MANY_FILES = 1005;

    /** Part size the backends are opened with: S3's minimum, so a modest file needs several parts. */
    static final long SMALL_PART_SIZE = 5L * 1024 * 1024;

    private static final AtomicInteger LOCATIONS = new AtomicInteger();

    @TempDir
    Path tmp;

    ReplicaClient client;
    String clientName;
    private final List<ReplicaClient> opened = new ArrayList<>();

    /** A client on a fresh replica location of its own, named after {@code name}. */
    abstract ReplicaClient newClient(String name) throws IOException;

    /** Puts an object or file that is not part of the layout into a level's directory of the client. */
    abstract void putForeign(ReplicaClient client, int level, String relativeName, byte[] data) throws IOException;

    /** Whether listing without metadata still gives the exact timestamp (a file's mtime does). */
    abstract boolean exactTimestampsWithoutMetadata();

    @BeforeEach
    void openClient() throws IOException {
        clientName = "replica-" + LOCATIONS.incrementAndGet();
        client = newClient(clientName);
        opened.add(client);
    }

    @AfterEach
    void closeClients() throws IOException {
        for (ReplicaClient c : opened) {
            c.close();
        }
    }

    ReplicaClient open(String name) throws IOException {
        ReplicaClient c = newClient(name + "-" + LOCATIONS.incrementAndGet());
        opened.add(c);
        return c;
    }

    @Test
    void writtenFilesAreListedAndReadBackByteForByte() throws IOException {
        byte[] first = randomBytes(1, 4096);
        byte[] second = randomBytes(2, 10_000);
        LtxFileInfo written = client.writeFile(0, 1, 1, source(first), Instant.parse("2024-05-06T07:08:09Z"));
        client.writeFile(0, 2, 5, source(second), Instant.parse("2024-05-06T07:08:10Z"));

        assertThat(written).isEqualTo(new LtxFileInfo(0, 1, 1, 4096, Instant.parse("2024-05-06T07:08:09Z")));
        assertThat(client.listFiles(0, true))
                .extracting(LtxFileInfo::level, LtxFileInfo::minTxid, LtxFileInfo::maxTxid, LtxFileInfo::size)
                .containsExactly(tuple(0, 1L, 1L, 4096L),
                        tuple(0, 2L, 5L, 10_000L));
        assertThat(read(client.openFile(0, 1, 1))).isEqualTo(first);
        assertThat(read(client.openFile(0, 2, 5))).isEqualTo(second);
    }

    @Test
    void emptyFileRoundTrips() throws IOException {
        client.writeFile(0, 3, 3, source(new byte[0]), Instant.parse("2024-01-01T00:00:00Z"));

        assertThat(client.listFiles(0, false)).singleElement().extracting(LtxFileInfo::size).isEqualTo(0L);
        assertThat(read(client.openFile(0, 3, 3))).isEmpty();
    }

    @Test
    void writingTheSameFileAgainReplacesIt() throws IOException {
        client.writeFile(1, 1, 9, source(randomBytes(3, 100)), Instant.parse("2024-01-01T00:00:00Z"));
        byte[] replacement = randomBytes(4, 200);
        client.writeFile(1, 1, 9, source(replacement), Instant.parse("2024-01-02T00:00:00Z"));

        assertThat(client.listFiles(1, true)).singleElement()
                .isEqualTo(new LtxFileInfo(1, 1, 9, 200, Instant.parse("2024-01-02T00:00:00Z")));
        assertThat(read(client.openFile(1, 1, 9))).isEqualTo(replacement);
    }

    /** One test for both, as writing a thousand objects is the slow part on S3. */
    @Test
    void manyFilesListAscendingAcrossPagesAndDeleteInBatches() throws Exception {
        List<Long> txids = new ArrayList<>();
        for (long i = 1; i <= MANY_FILES - 2; i++) {
            txids.add(i);
        }
        // TXIDs are unsigned: these two sort after every small one.
        txids.add(0x7fff_ffff_ffff_fff0L);
        txids.add(0x8000_0000_0000_0001L);
        List<Long> shuffled = new ArrayList<>(txids);
        Collections.shuffle(shuffled, new Random(42));
        Path source = source(new byte[] {1, 2, 3});
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<LtxFileInfo>> writes = new ArrayList<>();
            for (long txid : shuffled) {
                writes.add(pool.submit(() -> client.writeFile(0, txid, txid, source, Instant.EPOCH)));
            }
            for (Future<LtxFileInfo> write : writes) {
                write.get();
            }
        } finally {
            pool.shutdownNow();
        }

        List<LtxFileInfo> listed = client.listFiles(0, false);

        assertThat(listed).extracting(LtxFileInfo::minTxid).containsExactlyElementsOf(txids);
        assertThat(listed).allSatisfy(f -> assertThat(f.size()).isEqualTo(3));

        client.deleteFiles(listed.subList(1, MANY_FILES));

        assertThat(client.listFiles(0, false)).extracting(LtxFileInfo::minTxid).containsExactly(1L);
    }

    @Test
    void filesWithTheSameMinTxidAreOrderedByMaxTxid() throws IOException {
        client.writeFile(2, 5, 9, source(new byte[1]), Instant.EPOCH);
        client.writeFile(2, 5, 6, source(new byte[1]), Instant.EPOCH);
        client.writeFile(2, 1, 10, source(new byte[1]), Instant.EPOCH);

        assertThat(client.listFiles(2, false)).extracting(LtxFileInfo::fileName).containsExactly(
                "0000000000000001-000000000000000a.ltx",
                "0000000000000005-0000000000000006.ltx",
                "0000000000000005-0000000000000009.ltx");
    }

    @Test
    void levelsAreIsolated() throws IOException {
        client.writeFile(0, 1, 1, source(new byte[] {0}), Instant.EPOCH);
        client.writeFile(1, 1, 2, source(new byte[] {1}), Instant.EPOCH);
        client.writeFile(9, 1, 3, source(new byte[] {9}), Instant.EPOCH);

        assertThat(client.listFiles(0, false)).extracting(LtxFileInfo::maxTxid).containsExactly(1L);
        assertThat(client.listFiles(1, false)).extracting(LtxFileInfo::maxTxid).containsExactly(2L);
        assertThat(client.listFiles(9, false)).extracting(LtxFileInfo::maxTxid).containsExactly(3L);
        assertThat(client.listFiles(9, false)).extracting(LtxFileInfo::level).containsExactly(9);
        assertThat(client.listFiles(2, false)).isEmpty();
        assertThat(client.listAllFiles(9, false)).extracting(LtxFileInfo::level, LtxFileInfo::maxTxid)
                .containsExactly(tuple(0, 1L), tuple(1, 2L), tuple(9, 3L));
        assertThat(client.listAllFiles(1, true)).extracting(LtxFileInfo::level, LtxFileInfo::maxTxid)
                .containsExactly(tuple(0, 1L), tuple(1, 2L));
        assertThat(read(client.openFile(9, 1, 3))).containsExactly(9);
        assertThatThrownBy(() -> client.openFile(1, 1, 1)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void levelsOutsideZeroToNineAreRejected() {
        assertThatThrownBy(() -> client.listFiles(10, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LTX level must be between 0 and 9: 10");
        assertThatThrownBy(() -> client.openFile(-1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLevelNeverWrittenListsEmpty() throws IOException {
        assertThat(client.listFiles(0, true)).isEmpty();
        assertThat(client.listFiles(5, false)).isEmpty();
    }

    @Test
    void timestampsRoundTripWithNanosecondPrecision() throws IOException {
        Instant nanos = Instant.parse("2024-05-06T07:08:09.123456789Z");
        Instant tenth = Instant.parse("2024-05-06T07:08:10.100Z");
        Instant whole = Instant.parse("2024-05-06T07:08:11Z");
        Instant oneNano = Instant.parse("1999-12-31T23:59:59.000000001Z");
        Instant before = Instant.now();
        client.writeFile(0, 1, 1, source(new byte[1]), nanos);
        client.writeFile(0, 2, 2, source(new byte[1]), tenth);
        client.writeFile(0, 3, 3, source(new byte[1]), whole);
        client.writeFile(0, 4, 4, source(new byte[1]), oneNano);

        assertThat(client.listFiles(0, true)).extracting(LtxFileInfo::createdAt)
                .containsExactly(nanos, tenth, whole, oneNano);
        List<Instant> withoutMetadata = client.listFiles(0, false).stream().map(LtxFileInfo::createdAt).toList();
        if (exactTimestampsWithoutMetadata()) {
            assertThat(withoutMetadata).containsExactly(nanos, tenth, whole, oneNano);
        } else {
            // LastModified: when the object was stored, to the second.
            assertThat(withoutMetadata).allSatisfy(t -> assertThat(t)
                    .isBetween(before.minus(Duration.ofMinutes(2)), Instant.now().plus(Duration.ofMinutes(2))));
        }
    }

    @Test
    void oneFilesTimestampIsReadWithoutListing() throws IOException {
        Instant nanos = Instant.parse("2024-05-06T07:08:09.123456789Z");
        LtxFileInfo written = client.writeFile(3, 5, 9, source(new byte[1]), nanos);
        assertThat(client.readTimestamp(written)).isEqualTo(nanos);
        assertThat(client.listsExactTimestamps()).isEqualTo(exactTimestampsWithoutMetadata());
        assertThatThrownBy(() -> client.readTimestamp(new LtxFileInfo(3, 10, 11, 1, nanos)))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("000000000000000a-000000000000000b.ltx");
    }

    @Test
    void openingAMissingFileIsNoSuchFileExceptionNamingIt() {
        assertThatThrownBy(() -> client.openFile(0, 7, 8)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("0000000000000007-0000000000000008.ltx");
    }

    @Test
    void deleteFilesRemovesExactlyThoseAndToleratesMissingOnes() throws IOException {
        for (long txid = 1; txid <= 4; txid++) {
            client.writeFile(0, txid, txid, source(new byte[] {(byte) txid}), Instant.EPOCH);
        }
        client.writeFile(1, 1, 4, source(new byte[] {5}), Instant.EPOCH);
        List<LtxFileInfo> level0 = client.listFiles(0, false);

        client.deleteFiles(List.of(level0.get(0), level0.get(2),
                new LtxFileInfo(0, 99, 99, 0, Instant.EPOCH), new LtxFileInfo(3, 1, 1, 0, Instant.EPOCH)));

        assertThat(client.listFiles(0, false)).extracting(LtxFileInfo::minTxid).containsExactly(2L, 4L);
        assertThat(client.listFiles(1, false)).hasSize(1);
        client.deleteFiles(List.of());
        client.deleteFiles(List.of(level0.get(0)));
        assertThat(client.listFiles(0, false)).hasSize(2);
    }

    @Test
    void deleteAllEmptiesTheReplicaButNoOther() throws IOException {
        // A neighbour whose name starts with this replica's name: "replica-3" must not take "replica-30".
        ReplicaClient neighbour = newClient(clientName + "0");
        opened.add(neighbour);
        neighbour.writeFile(0, 1, 1, source(new byte[] {1}), Instant.EPOCH);
        client.writeFile(0, 1, 1, source(new byte[] {1}), Instant.EPOCH);
        client.writeFile(3, 1, 2, source(new byte[] {1}), Instant.EPOCH);
        client.writeFile(9, 1, 2, source(new byte[] {1}), Instant.EPOCH);
        putForeign(client, 0, "notes.txt", new byte[] {1});

        client.deleteAll();

        for (int level = 0; level <= 9; level++) {
            assertThat(client.listFiles(level, false)).isEmpty();
        }
        assertThat(neighbour.listFiles(0, false)).hasSize(1);
        client.deleteAll();
        client.writeFile(0, 1, 1, source(new byte[] {2}), Instant.EPOCH);
        assertThat(read(client.openFile(0, 1, 1))).containsExactly(2);
    }

    @Test
    void foreignNamesInALevelAreSkipped() throws IOException {
        client.writeFile(0, 1, 2, source(new byte[] {1}), Instant.EPOCH);
        putForeign(client, 0, "README", new byte[] {1});
        putForeign(client, 0, "0000000000000003-0000000000000004.ltx.tmp", new byte[] {1});
        putForeign(client, 0, ".0000000000000003-0000000000000004.ltx.123.tmp", new byte[] {1});
        putForeign(client, 0, "000000000000000A-000000000000000B.ltx", new byte[] {1});
        putForeign(client, 0, "00000000000000050000000000000006.ltx", new byte[] {1});
        putForeign(client, 0, "0000000000000007-0000000000000008.LTX", new byte[] {1});
        putForeign(client, 0, "sub/0000000000000009-0000000000000009.ltx", new byte[] {1});

        assertThat(client.listFiles(0, true)).extracting(LtxFileInfo::fileName)
                .containsExactly("0000000000000001-0000000000000002.ltx");
        assertThat(client.listAllFiles(9, true)).isEqualTo(client.listFiles(0, true));
    }

    @Test
    void aLargeFileRoundTripsInParts() throws Exception {
        // Three parts of 5 MiB, 5 MiB and a short tail on S3.
        long size = 2 * SMALL_PART_SIZE + 12_345;
        Path source = tmp.resolve("large.ltx");
        byte[] chunk = randomBytes(5, 1 << 20);
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        try (var out = Files.newOutputStream(source)) {
            for (long done = 0; done < size; ) {
                int n = (int) Math.min(chunk.length, size - done);
                out.write(chunk, 0, n);
                written.update(chunk, 0, n);
                done += n;
                chunk[0]++;
            }
        }
        Instant timestamp = Instant.parse("2024-05-06T07:08:09.987654321Z");

        client.writeFile(9, 1, 100, source, timestamp);

        assertThat(client.listFiles(9, true)).singleElement()
                .isEqualTo(new LtxFileInfo(9, 1, 100, size, timestamp));
        MessageDigest readBack = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InputStream in = client.openFile(9, 1, 100)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                readBack.update(buffer, 0, n);
                total += n;
            }
        }
        assertThat(total).isEqualTo(size);
        assertThat(readBack.digest()).isEqualTo(written.digest());
    }

    @Test
    void closingAStreamEarlyIsFine() throws IOException {
        client.writeFile(0, 1, 1, source(randomBytes(6, 200_000)), Instant.EPOCH);

        try (InputStream in = client.openFile(0, 1, 1)) {
            assertThat(in.read(new byte[10])).isPositive();
        }
        assertThat(read(client.openFile(0, 1, 1))).hasSize(200_000);
    }

    @Test
    void clientsAtDifferentLocationsDoNotSeeEachOthersFiles() throws IOException {
        ReplicaClient other = open("other");
        client.writeFile(0, 1, 1, source(new byte[] {1}), Instant.EPOCH);
        other.writeFile(0, 2, 2, source(new byte[] {2}), Instant.EPOCH);

        assertThat(client.listFiles(0, false)).extracting(LtxFileInfo::minTxid).containsExactly(1L);
        assertThat(other.listFiles(0, false)).extracting(LtxFileInfo::minTxid).containsExactly(2L);
        assertThatThrownBy(() -> other.openFile(0, 1, 1)).isInstanceOf(NoSuchFileException.class);
        other.deleteFiles(List.of(new LtxFileInfo(0, 1, 1, 1, Instant.EPOCH)));
        assertThat(client.listFiles(0, false)).hasSize(1);
    }

    @Test
    void describesItsLocation() {
        assertThat(client.type()).isIn("file", "s3");
        assertThat(client.describe()).startsWith(client.type() + "://");
        assertThat(client.toString()).isEqualTo(client.describe());
    }

    Path source(byte[] data) throws IOException {
        Path file = Files.createTempFile(tmp, "source", ".ltx");
        Files.write(file, data);
        return file;
    }

    static byte[] randomBytes(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
