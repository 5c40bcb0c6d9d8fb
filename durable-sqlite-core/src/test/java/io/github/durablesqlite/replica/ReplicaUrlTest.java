package io.github.durablesqlite.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ReplicaUrlTest {

    static final String S3_EXAMPLE =
            "e.g. s3://my-bucket/app?endpoint=http://127.0.0.1:9000&region=us-east-1&force-path-style=true";
    static final String FILE_EXAMPLE = "e.g. file:///var/lib/app/replica";

    @Test
    void anS3UrlAsLitestreamWritesIt() {
        ReplicaUrl url = ReplicaUrl.parse(
                "s3://my-bucket/app/db?endpoint=http://127.0.0.1:9000&region=us-east-1&force-path-style=true");

        assertThat(url).isEqualTo(new ReplicaUrl("s3", "my-bucket", "app/db", URI.create("http://127.0.0.1:9000"),
                "us-east-1", true, 0));
        assertThat(url.isS3()).isTrue();
        assertThat(url.isFile()).isFalse();
    }

    @Test
    void anS3UrlForAwsItself() {
        assertThat(ReplicaUrl.parse("s3://my-bucket/db"))
                .isEqualTo(new ReplicaUrl("s3", "my-bucket", "db", null, null, false, 0));
        assertThat(ReplicaUrl.parse("S3://my-bucket/db?region=eu-west-1"))
                .isEqualTo(new ReplicaUrl("s3", "my-bucket", "db", null, "eu-west-1", false, 0));
    }

    @ParameterizedTest
    @CsvSource({
            "s3://b,                ''",
            "s3://b/,               ''",
            "s3://b/a/b/,           a/b",
            "s3://b//a/./b//c,      a/b/c",
            "s3://b/with%20space,   with space",
            "s3://b/a+b,            a+b",
    })
    void prefixesAreCleaned(String text, String prefix) {
        assertThat(ReplicaUrl.parse(text).path()).isEqualTo(prefix);
    }

    @Test
    void anEndpointImpliesPathStyleUnlessTurnedOff() {
        assertThat(ReplicaUrl.parse("s3://b/db?endpoint=http://minio:9000").forcePathStyle()).isTrue();
        assertThat(ReplicaUrl.parse("s3://b/db?endpoint=http://minio:9000&force-path-style=false")
                .forcePathStyle()).isFalse();
        assertThat(ReplicaUrl.parse("s3://b/db?forcePathStyle=true").forcePathStyle()).isTrue();
        assertThat(ReplicaUrl.parse("s3://b/db?force-path-style=yes").forcePathStyle()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
            "localhost:9000,             http://localhost:9000",
            "127.0.0.1:9000,             http://127.0.0.1:9000",
            "192.168.1.5:9000,           http://192.168.1.5:9000",
            "fly.storage.tigris.dev,     https://fly.storage.tigris.dev",
            "https://s3.example.com/,    https://s3.example.com",
            "http://minio:9000,          http://minio:9000",
    })
    void endpointsWithoutASchemeGetOneAsInLitestream(String endpoint, String expected) {
        assertThat(ReplicaUrl.parse("s3://b/db?endpoint=" + endpoint).endpoint()).isEqualTo(URI.create(expected));
    }

    @Test
    void litestreamsHostForms() {
        assertThat(ReplicaUrl.parse("s3://my-bucket.s3.us-west-2.amazonaws.com/db"))
                .isEqualTo(new ReplicaUrl("s3", "my-bucket", "db", null, "us-west-2", false, 0));
        assertThat(ReplicaUrl.parse("s3://my-bucket.s3.amazonaws.com/db"))
                .isEqualTo(new ReplicaUrl("s3", "my-bucket", "db", null, null, false, 0));
        assertThat(ReplicaUrl.parse("s3://my-bucket.localhost:9000/db"))
                .isEqualTo(new ReplicaUrl("s3", "my-bucket", "db", URI.create("http://localhost:9000"), null, true, 0));
    }

    @Test
    void aPartSize() {
        assertThat(ReplicaUrl.parse("s3://b/db?part-size=16777216").partSize()).isEqualTo(16L << 20);
        assertThat(ReplicaUrl.parse("s3://b/db?partSize=5242880").partSize()).isEqualTo(5L << 20);
    }

    @ParameterizedTest
    @CsvSource({
            "file:///var/lib/replica,        /var/lib/replica",
            "file:///var/lib/replica/,       /var/lib/replica",
            "FILE:///var/lib/replica,        /var/lib/replica",
            "file:/var/lib/replica,          /var/lib/replica",
            "file:///a//b/./c/../d,          /a/b/d",
            "file:///my%20replica,           /my replica",
            "file:relative/dir,              relative/dir",
            "file:./relative/dir,            relative/dir",
            "file:../up,                     ../up",
            "file:.,                         .",
            "/srv/replica,                   /srv/replica",
            "replica,                        replica",
            "./replica/,                     replica",
            "C:replica,                      C:replica",
    })
    void fileUrlsAndBarePaths(String text, String path) {
        ReplicaUrl url = ReplicaUrl.parse(text);

        assertThat(url).isEqualTo(new ReplicaUrl("file", null, path, null, null, false, 0));
        assertThat(url.isFile()).isTrue();
    }

    @Test
    void relativeDirectoriesResolveAgainstTheWorkingDirectory() {
        assertThat(ReplicaUrl.parse("file:rel/dir").directory())
                .isEqualTo(Path.of("").toAbsolutePath().resolve("rel/dir"));
        assertThat(ReplicaUrl.parse("file:///abs/dir").directory()).isEqualTo(Path.of("/abs/dir"));
        assertThatThrownBy(() -> ReplicaUrl.parse("s3://b/x").directory()).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "s3://my-bucket",
            "s3://my-bucket/app/db",
            "s3://my-bucket/app?endpoint=http://127.0.0.1:9000&region=us-east-1",
            "s3://my-bucket/app?endpoint=http://127.0.0.1:9000&force-path-style=false&part-size=6000000",
            "s3://my-bucket/app?region=eu-central-1&force-path-style=true",
            "file:///var/lib/replica",
            "file:rel/dir",
            "file:///odd%3Fdir%23with%25escapes",
            "s3://my-bucket/odd%3Fprefix",
    })
    void toStringIsCanonicalAndParsesBack(String text) {
        ReplicaUrl url = ReplicaUrl.parse(text);

        assertThat(url.toString()).isEqualTo(text);
        assertThat(ReplicaUrl.parse(url.toString())).isEqualTo(url);
    }

    @Test
    void canonicalFormOfAlternativeSpellings() {
        assertThat(ReplicaUrl.parse("s3://my-bucket.localhost:9000/db")).hasToString(
                "s3://my-bucket/db?endpoint=http://localhost:9000");
        assertThat(ReplicaUrl.parse("/srv/replica")).hasToString("file:///srv/replica");
        assertThat(ReplicaUrl.parse("/srv/50%")).hasToString("file:///srv/50%25");
        assertThat(ReplicaUrl.parse("file:///srv/my%20replica")).hasToString("file:///srv/my replica");
        assertThat(ReplicaUrl.parse("s3://b/db?endpoint=localhost:9000&force-path-style=true"))
                .hasToString("s3://b/db?endpoint=http://localhost:9000");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void anEmptyUrl(String text) {
        assertThatThrownBy(() -> ReplicaUrl.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Replica URL is empty: expected e.g. s3://my-bucket/app?endpoint=http://127.0.0.1:9000"
                        + "&region=us-east-1&force-path-style=true or file:///var/lib/app/replica");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            gs://bucket/db | unsupported scheme 'gs' (supported: file, s3); e.g. s3://my-bucket/app?endpoint=http://127.0.0.1:9000&region=us-east-1&force-path-style=true or file:///var/lib/app/replica
            s3:///path | no bucket; an S3 URL is s3://BUCKET/PREFIX; S3EX
            s3:// | no bucket; an S3 URL is s3://BUCKET/PREFIX; S3EX
            s3:bucket/db | an S3 URL starts with s3:// followed by the bucket; S3EX
            s3://bucket/db?foo=1 | unknown query parameter 'foo' (supported: endpoint, region, force-path-style, part-size); S3EX
            s3://bucket/db?sign-payload=true | unknown query parameter 'sign-payload' (supported: endpoint, region, force-path-style, part-size); S3EX
            s3://bucket/db?force-path-style=maybe | force-path-style must be true or false, not 'maybe'; S3EX
            s3://bucket/db?region=US%20East | region 'US East' is not a region name like us-east-1; S3EX
            s3://bucket/db?endpoint=ftp://host | endpoint 'ftp://host' must be an http:// or https:// URL; S3EX
            s3://bucket/db?endpoint= | the endpoint parameter is empty; S3EX
            s3://bucket/db?endpoint=http:// | endpoint 'http://' is not a URL (Expected authority); S3EX
            s3://bucket/db?region=a&region=b | query parameter 'region' is given twice; S3EX
            s3://bucket/db?part-size=1024 | part-size must be a number of bytes from 5242880 (5 MiB) to 5368709120 (5 GiB), not '1024'; e.g. s3://my-bucket/app?part-size=16777216
            s3://bucket/db?part-size=16M | part-size must be a number of bytes from 5242880 (5 MiB) to 5368709120 (5 GiB), not '16M'; e.g. s3://my-bucket/app?part-size=16777216
            s3://bucket/a/../b | '..' is not allowed in an S3 prefix; S3EX
            s3://bad_bucket!/db | 'bad_bucket!' is not a valid bucket name (letters, digits, '.', '-', '_'; starting and ending with a letter or digit); S3EX
            s3://localhost:9000/db | 'localhost:9000' is a server, not a bucket; name the server in the endpoint parameter; e.g. s3://my-bucket/app?endpoint=http://localhost:9000
            s3://bucket/db#part | '#' is not allowed (a fragment has no meaning here); S3EX
            s3://bucket/db%zz | '%' must be followed by two hex digits; S3EX
            file:// | it names no directory; FILEEX
            file://./replica | '.' is in the host part; a file URL has three slashes before an absolute path (file:///dir) and none before a relative one (file:dir); e.g. file:./replica
            file://backup-host/srv/replica | 'backup-host' is in the host part; a file URL has three slashes before an absolute path (file:///dir) and none before a relative one (file:dir); FILEEX
            file:///srv/replica?mode=fast | unknown query parameter 'mode' (a file URL takes none); FILEEX
            """)
    void badUrlsAreRejectedWithTheUrlTheProblemAndAnExample(String text, String problem) {
        String expected = "Invalid replica URL '" + text + "': "
                + problem.replace("S3EX", S3_EXAMPLE).replace("FILEEX", FILE_EXAMPLE);
        assertThatThrownBy(() -> ReplicaUrl.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(expected);
    }

    @Test
    void leadingOrTrailingWhiteSpaceIsAnError() {
        assertThatThrownBy(() -> ReplicaUrl.parse(" s3://bucket/db")).hasMessage(
                "Invalid replica URL ' s3://bucket/db': it has leading or trailing white space; " + S3_EXAMPLE);
    }

    @Test
    void credentialsInAUrlAreRejectedAndNotRepeated() {
        assertThatThrownBy(() -> ReplicaUrl.parse("s3://AKIAEXAMPLE:s3cr3t@bucket/db"))
                .hasMessage("Invalid replica URL 's3://***@bucket/db': credentials do not belong in the URL;"
                        + " set LITESTREAM_ACCESS_KEY_ID and LITESTREAM_SECRET_ACCESS_KEY in the environment; "
                        + S3_EXAMPLE);
        assertThatThrownBy(() -> ReplicaUrl.parse("s3://bucket/db?endpoint=http://user:s3cr3t@minio:9000"))
                .hasMessageStartingWith("Invalid replica URL 's3://bucket/db?endpoint=http://***@minio:9000': "
                        + "credentials do not belong in the endpoint")
                .hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> ReplicaUrl.parse("s3://bucket/db?sse-customer-key=s3cr3t"))
                .hasMessage("Invalid replica URL 's3://bucket/db?sse-customer-key=***': unknown query parameter"
                        + " 'sse-customer-key' (supported: endpoint, region, force-path-style, part-size); "
                        + S3_EXAMPLE);
    }

    @Test
    void theConstructorChecksTheScheme() {
        assertThatThrownBy(() -> new ReplicaUrl("gs", "b", "", null, null, false, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
