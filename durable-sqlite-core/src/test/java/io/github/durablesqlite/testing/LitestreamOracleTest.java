package io.github.durablesqlite.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Runs the oracle for real: Litestream's VFS writes replicas (local directory and S3 on
 * S3Proxy) and reads them back, and the committed golden LTX files still read back as their
 * README says.
 */
class LitestreamOracleTest {

    private static final Map<String, String> NO_ENV = Map.of();

    private static final List<String> FIRST_WRITE = List.of(
            "CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT NOT NULL, created_at TEXT NOT NULL)",
            "INSERT INTO notes VALUES (1, 'first', '2026-01-01T00:00:00Z')",
            "INSERT INTO notes VALUES (2, 'second', '2026-01-01T00:00:01Z')");
    private static final List<String> SECOND_WRITE = List.of(
            "CREATE TABLE tags(note_id INTEGER NOT NULL, tag TEXT NOT NULL)",
            "INSERT INTO tags VALUES (1, 'red'), (2, 'blue')",
            "UPDATE notes SET text = 'second, edited' WHERE id = 2");

    private static final String EXPECTED_DUMP = """
            PRAGMA foreign_keys=OFF;
            BEGIN TRANSACTION;
            CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT NOT NULL, created_at TEXT NOT NULL);
            INSERT INTO notes VALUES(1,'first','2026-01-01T00:00:00Z');
            INSERT INTO notes VALUES(2,'second, edited','2026-01-01T00:00:01Z');
            CREATE TABLE tags(note_id INTEGER NOT NULL, tag TEXT NOT NULL);
            INSERT INTO tags VALUES(1,'red');
            INSERT INTO tags VALUES(2,'blue');
            COMMIT;
            """;

    private static final String TXID_1 = "0000000000000001-0000000000000001.ltx";
    private static final String TXID_2 = "0000000000000002-0000000000000002.ltx";

    @BeforeEach
    void oracleInstalled() {
        LitestreamOracle.assumeAvailable();
    }

    @Test
    void writesAndReadsFileReplica(@TempDir Path dir) throws Exception {
        Path replica = dir.resolve("replica");
        String url = replica.toUri().toString();

        LitestreamOracle.write(url, NO_ENV, FIRST_WRITE);
        LitestreamOracle.write(url, NO_ENV, SECOND_WRITE);

        System.out.println("file replica written by the VFS:");
        try (Stream<Path> files = Files.walk(replica)) {
            files.filter(Files::isRegularFile).sorted().forEach(file ->
                    System.out.println("  " + replica.relativize(file) + "  " + size(file) + " bytes"));
        }
        // One write() is one level-0 file; the VFS writes no other level.
        try (Stream<Path> levels = Files.list(replica.resolve("ltx"))) {
            assertThat(levels.map(p -> p.getFileName().toString())).containsExactly("0");
        }
        try (Stream<Path> files = Files.list(replica.resolve("ltx/0"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly(TXID_1, TXID_2);
        }

        assertThat(LitestreamOracle.dump(url, NO_ENV)).isEqualTo(EXPECTED_DUMP);
        assertThat(LitestreamOracle.query(url, NO_ENV,
                "SELECT n.id, n.text, t.tag FROM notes n JOIN tags t ON t.note_id = n.id ORDER BY n.id;"
                        + "SELECT litestream_txid();"))
                .isEqualTo("1|first|red\n2|second, edited|blue\n0000000000000002\n");

        LtxHeader snapshot = LtxHeader.read(Files.readAllBytes(replica.resolve("ltx/0").resolve(TXID_1)));
        LtxHeader incremental = LtxHeader.read(Files.readAllBytes(replica.resolve("ltx/0").resolve(TXID_2)));
        System.out.println("  " + TXID_1 + ": " + snapshot);
        System.out.println("  " + TXID_2 + ": " + incremental);
        assertHeader(snapshot, 1);
        assertHeader(incremental, 2);
        assertThat(snapshot.commit()).isEqualTo(2);
        assertThat(snapshot.firstPgno()).as("a file that starts the chain holds page 1").isEqualTo(1);
        assertThat(incremental.commit()).isEqualTo(3);
        // The file replica stamps each file's modification time with its header timestamp.
        assertThat(Files.getLastModifiedTime(replica.resolve("ltx/0").resolve(TXID_2)).toMillis())
                .isEqualTo(incremental.timestampMillis());
    }

    @Test
    void writesAndReadsS3Replica() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        String bucket = s3.newBucket();
        try (S3Client client = s3.newS3Client()) {
            String url = s3.replicaUrl(bucket, "app");
            Map<String, String> env = s3.env();

            LitestreamOracle.write(url, env, FIRST_WRITE);
            LitestreamOracle.write(url, env, SECOND_WRITE);

            List<String> keys = client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream()
                    .map(S3Object::key).sorted().toList();
            System.out.println("S3 replica written by the VFS: " + keys);
            assertThat(keys).containsExactly("app/0000/" + TXID_1, "app/0000/" + TXID_2);

            String key = "app/0000/" + TXID_2;
            HeadObjectResponse head = client.headObject(b -> b.bucket(bucket).key(key));
            ResponseBytes<GetObjectResponse> body = client.getObjectAsBytes(b -> b.bucket(bucket).key(key));
            LtxHeader header = LtxHeader.read(body.asByteArray());
            System.out.println("  " + key + ": " + header + ", metadata " + head.metadata());
            assertHeader(header, 2);
            assertThat(head.metadata()).containsKey("litestream-timestamp");
            assertThat(Instant.parse(head.metadata().get("litestream-timestamp")))
                    .isEqualTo(Instant.ofEpochMilli(header.timestampMillis()));

            assertThat(LitestreamOracle.dump(url, env)).isEqualTo(EXPECTED_DUMP);
        }
    }

    @Test
    void goldenFixturesReadBackAsTheirReadmeSays(@TempDir Path dir) throws Exception {
        Path level0 = Files.createDirectories(dir.resolve("replica/ltx/0"));
        for (String name : List.of(TXID_1, TXID_2, "0000000000000003-0000000000000003.ltx")) {
            try (InputStream in = fixture(name)) {
                Files.copy(in, level0.resolve(name));
            }
        }
        String expected;
        try (InputStream in = fixture("expected.dump.sql")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(LitestreamOracle.dump(dir.resolve("replica").toUri().toString(), NO_ENV)).isEqualTo(expected);
    }

    @Test
    void failingSqlFailsWithTheShellsMessage(@TempDir Path dir) throws Exception {
        String url = dir.resolve("replica").toUri().toString();
        LitestreamOracle.write(url, NO_ENV, List.of("CREATE TABLE t(x)"));

        assertThatThrownBy(() -> LitestreamOracle.query(url, NO_ENV, "SELECT * FROM missing;"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(url)
                .hasMessageContaining("no such table: missing");
        assertThatThrownBy(() -> LitestreamOracle.query(url, NO_ENV, "INSERT INTO t VALUES (1);"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("readonly");
    }

    @Test
    void writeFailsWhenTheUploadOnCloseFails(@TempDir Path dir) throws Exception {
        Path level0 = dir.resolve("replica/ltx/0");
        String url = dir.resolve("replica").toUri().toString();
        LitestreamOracle.write(url, NO_ENV, List.of("CREATE TABLE t(x)"));
        Path competitor = dir.resolve(TXID_2);
        try (InputStream in = fixture(TXID_2)) {
            Files.copy(in, competitor);
        }

        // Another writer's TXID 2 lands while this session holds unsynced pages: the VFS refuses
        // to upload on close, logs it, and the shell still exits 0.
        assertThatThrownBy(() -> LitestreamOracle.write(url, NO_ENV, List.of(
                "INSERT INTO t VALUES (1)",
                ".shell cp '" + competitor + "' '" + level0 + "/'")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("remote has newer transactions than expected");
    }

    @Test
    void anEmptyOracleDirIsNotAvailable(@TempDir Path dir) {
        String previous = System.setProperty(LitestreamOracle.ORACLE_DIR_PROPERTY, dir.toString());
        try {
            assertThat(LitestreamOracle.available()).isFalse();
            assertThat(LitestreamOracle.vfsExtension()).startsWithRaw(dir);
            assertThatThrownBy(() -> LitestreamOracle.dump(dir.toUri().toString(), NO_ENV))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("no VFS extension at " + dir);
        } finally {
            if (previous == null) {
                System.clearProperty(LitestreamOracle.ORACLE_DIR_PROPERTY);
            } else {
                System.setProperty(LitestreamOracle.ORACLE_DIR_PROPERTY, previous);
            }
        }
    }

    @Test
    void litestreamV3BinaryRuns() throws Exception {
        Path binary = LitestreamOracle.litestreamV3Binary();
        assertThat(binary).isExecutable();

        LitestreamProcess.Result result = LitestreamProcess.run(
                List.of(binary.toString(), "version"), NO_ENV, "", Duration.ofSeconds(30), "version hangs");

        assertThat(result.stdout().strip()).isEqualTo("v0.3.13");
    }

    private static void assertHeader(LtxHeader header, long txid) {
        assertThat(header.magic()).isEqualTo("LTX1");
        assertThat(header.flags()).as("flags: no checksum").isEqualTo(2);
        assertThat(header.pageSize()).isEqualTo(4096);
        assertThat(header.minTxid()).isEqualTo(txid);
        assertThat(header.maxTxid()).isEqualTo(txid);
        assertThat(Instant.ofEpochMilli(header.timestampMillis()))
                .isCloseTo(Instant.now(), within(5, ChronoUnit.MINUTES));
        assertThat(header.preApplyChecksum()).isZero();
        assertThat(header.walOffset()).isZero();
        assertThat(header.walSize()).isZero();
        assertThat(header.firstPageFlags()).as("page flags: size-prefixed LZ4 block").isEqualTo(1);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream fixture(String name) {
        InputStream in = LitestreamOracleTest.class.getResourceAsStream("/litestream/" + name);
        assertThat(in).as("test resource litestream/" + name).isNotNull();
        return in;
    }

    /** The 100-byte LTX header and the first page header, read just far enough to check them. */
    private record LtxHeader(String magic, int flags, int pageSize, int commit, long minTxid, long maxTxid,
            long timestampMillis, long preApplyChecksum, long walOffset, long walSize, int walSalt1,
            int walSalt2, long nodeId, int firstPgno, int firstPageFlags) {

        static LtxHeader read(byte[] file) {
            ByteBuffer b = ByteBuffer.wrap(file);
            String magic = new String(file, 0, 4, StandardCharsets.US_ASCII);
            int firstPgno = b.getInt(100);
            int firstPageFlags = Short.toUnsignedInt(b.getShort(104));
            return new LtxHeader(magic, b.getInt(4), b.getInt(8), b.getInt(12), b.getLong(16), b.getLong(24),
                    b.getLong(32), b.getLong(40), b.getLong(48), b.getLong(56), b.getInt(64), b.getInt(68),
                    b.getLong(72), firstPgno, firstPageFlags);
        }
    }
}
