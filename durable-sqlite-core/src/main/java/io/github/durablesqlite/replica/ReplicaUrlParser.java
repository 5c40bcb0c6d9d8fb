package io.github.durablesqlite.replica;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns replica URL text into a {@link ReplicaUrl}; every rejection quotes the URL and shows an example. */
final class ReplicaUrlParser {

    static final String S3_EXAMPLE =
            "s3://my-bucket/app?endpoint=http://127.0.0.1:9000&region=us-east-1&force-path-style=true";
    static final String FILE_EXAMPLE = "file:///var/lib/app/replica";
    static final String SUPPORTED_SCHEMES = "file, s3";
    static final String S3_PARAMETERS = "endpoint, region, force-path-style, part-size";

    /** S3's own lower limit for every part but the last. */
    static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** S3's upper limit for one part. */
    static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;

    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", Pattern.DOTALL);
    /** What Litestream takes for a URL rather than a path. */
    private static final Pattern URL_LIKE = Pattern.compile("^\\w+://.*", Pattern.DOTALL);
    private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern AWS_HOST = Pattern.compile("^(.+)\\.s3(?:[.-]([a-z0-9-]+))?\\.amazonaws\\.com$");
    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private final String input;

    private ReplicaUrlParser(String input) {
        this.input = input;
    }

    static ReplicaUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("Replica URL is empty: expected e.g. " + S3_EXAMPLE
                    + " or " + FILE_EXAMPLE);
        }
        return new ReplicaUrlParser(url).parse();
    }

    private ReplicaUrl parse() {
        if (!input.strip().equals(input)) {
            throw invalid("it has leading or trailing white space", exampleFor(input.strip()));
        }
        Matcher m = SCHEME.matcher(input);
        if (m.matches()) {
            String scheme = m.group(1).toLowerCase(Locale.ROOT);
            if (scheme.equals(ReplicaUrl.FILE)) {
                return parseFile(m.group(2));
            }
            if (scheme.equals(ReplicaUrl.S3)) {
                return parseS3(m.group(2));
            }
            if (URL_LIKE.matcher(input).matches()) {
                throw new IllegalArgumentException("Invalid replica URL '" + UrlRedaction.redact(input)
                        + "': unsupported scheme '" + m.group(1) + "' (supported: " + SUPPORTED_SCHEMES
                        + "); e.g. " + S3_EXAMPLE + " or " + FILE_EXAMPLE);
            }
        }
        // Anything else is a path, as in Litestream: "backup", "./backup", "/srv/backup".
        return file(input);
    }

    private ReplicaUrl parseFile(String rest) {
        String body = rest;
        int q = body.indexOf('?');
        if (q >= 0) {
            Map<String, String> query = query(body.substring(q + 1));
            String key = query.keySet().iterator().next();
            throw invalid("unknown query parameter '" + key + "' (a file URL takes none)", FILE_EXAMPLE);
        }
        rejectFragment(body, FILE_EXAMPLE);
        if (body.startsWith("//")) {
            int slash = body.indexOf('/', 2);
            String host = slash < 0 ? body.substring(2) : body.substring(2, slash);
            if (!host.isEmpty()) {
                throw invalid("'" + host + "' is in the host part; a file URL has three slashes before"
                        + " an absolute path (file:///dir) and none before a relative one (file:dir)",
                        host.startsWith(".") ? "file:" + host + (slash < 0 ? "" : body.substring(slash))
                                : FILE_EXAMPLE);
            }
            body = slash < 0 ? "" : body.substring(slash);
        }
        if (body.isEmpty()) {
            throw invalid("it names no directory", FILE_EXAMPLE);
        }
        return file(decode(body));
    }

    private ReplicaUrl file(String dir) {
        String cleaned;
        try {
            // Lexical clean-up only, like Go's path.Clean: "a//b/./" is "a/b"; relative stays relative.
            cleaned = Path.of(dir).normalize().toString();
        } catch (InvalidPathException e) {
            throw invalid("'" + dir + "' is not a valid path (" + e.getReason() + ")", FILE_EXAMPLE);
        }
        return new ReplicaUrl(ReplicaUrl.FILE, null, cleaned.isEmpty() ? "." : cleaned, null, null, false, 0);
    }

    private ReplicaUrl parseS3(String rest) {
        if (!rest.startsWith("//")) {
            throw invalid("an S3 URL starts with s3:// followed by the bucket", S3_EXAMPLE);
        }
        String body = rest.substring(2);
        Map<String, String> query = Map.of();
        int q = body.indexOf('?');
        if (q >= 0) {
            query = query(body.substring(q + 1));
            body = body.substring(0, q);
        }
        rejectFragment(body, S3_EXAMPLE);
        int slash = body.indexOf('/');
        String host = slash < 0 ? body : body.substring(0, slash);
        String prefix = slash < 0 ? "" : decode(body.substring(slash + 1));
        if (host.contains("@")) {
            throw invalid("credentials do not belong in the URL; set LITESTREAM_ACCESS_KEY_ID and"
                    + " LITESTREAM_SECRET_ACCESS_KEY in the environment", S3_EXAMPLE);
        }
        if (host.isEmpty()) {
            throw invalid("no bucket; an S3 URL is s3://BUCKET/PREFIX", S3_EXAMPLE);
        }

        String bucket = host;
        String region = null;
        URI endpoint = null;
        Matcher aws = AWS_HOST.matcher(host);
        if (host.contains(":")) {
            // Litestream's form for a MinIO-style server: s3://bucket.host:port/prefix over HTTP.
            int dot = host.indexOf('.');
            if (dot <= 0 || dot > host.indexOf(':')) {
                throw invalid("'" + host + "' is a server, not a bucket; name the server in the endpoint"
                        + " parameter", "s3://my-bucket/app?endpoint=http://" + host);
            }
            bucket = host.substring(0, dot);
            endpoint = endpoint("http://" + host.substring(dot + 1));
        } else if (aws.matches()) {
            bucket = aws.group(1);
            region = aws.group(2);
        }
        if (!BUCKET.matcher(bucket).matches()) {
            throw invalid("'" + bucket + "' is not a valid bucket name (letters, digits, '.', '-', '_';"
                    + " starting and ending with a letter or digit)", S3_EXAMPLE);
        }

        boolean forcePathStyle = endpoint != null;
        Boolean explicitPathStyle = null;
        long partSize = 0;
        for (Map.Entry<String, String> e : query.entrySet()) {
            String value = e.getValue();
            switch (e.getKey()) {
                case "endpoint" -> endpoint = endpoint(value);
                case "region" -> region = region(value);
                case "force-path-style", "forcePathStyle" -> explicitPathStyle = bool(e.getKey(), value);
                case "part-size", "partSize" -> partSize = partSize(e.getKey(), value);
                default -> throw invalid("unknown query parameter '" + e.getKey() + "' (supported: "
                        + S3_PARAMETERS + ")", S3_EXAMPLE);
            }
        }
        if (endpoint != null) {
            forcePathStyle = true;
        }
        if (explicitPathStyle != null) {
            forcePathStyle = explicitPathStyle;
        }
        return new ReplicaUrl(ReplicaUrl.S3, bucket, s3Prefix(prefix), endpoint, region, forcePathStyle, partSize);
    }

    private String s3Prefix(String prefix) {
        List<String> parts = new ArrayList<>();
        for (String segment : prefix.split("/")) {
            if (segment.equals("..")) {
                throw invalid("'..' is not allowed in an S3 prefix", S3_EXAMPLE);
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                parts.add(segment);
            }
        }
        return String.join("/", parts);
    }

    private URI endpoint(String value) {
        if (value.isEmpty()) {
            throw invalid("the endpoint parameter is empty", S3_EXAMPLE);
        }
        String text = value.contains("://") ? value : (isLocal(value) ? "http://" : "https://") + value;
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw invalid("endpoint '" + UrlRedaction.redact(value) + "' is not a URL (" + e.getReason() + ")",
                    S3_EXAMPLE);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw invalid("endpoint '" + value + "' must be an http:// or https:// URL", S3_EXAMPLE);
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid("credentials do not belong in the endpoint; set LITESTREAM_ACCESS_KEY_ID and"
                    + " LITESTREAM_SECRET_ACCESS_KEY in the environment", S3_EXAMPLE);
        }
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid("endpoint '" + value + "' must be scheme://host[:port]", S3_EXAMPLE);
        }
        // "http://host:9000/" and "http://host:9000" are the same endpoint; keep one spelling.
        return "/".equals(uri.getRawPath()) ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }

    /** Like Litestream: an endpoint written without a scheme is plain HTTP only on local networks. */
    private static boolean isLocal(String hostAndPort) {
        String host = hostAndPort.replaceFirst("[:/].*$", "").toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.startsWith("127.") || host.startsWith("10.")
                || host.startsWith("192.168.") || host.matches("172\\.(1[6-9]|2\\d|3[01])\\..*")
                || host.endsWith(".local") || host.endsWith(".localhost");
    }

    private String region(String value) {
        if (!REGION.matcher(value).matches()) {
            throw invalid("region '" + value + "' is not a region name like us-east-1", S3_EXAMPLE);
        }
        return value;
    }

    private boolean bool(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "t", "yes" -> true;
            case "false", "0", "f", "no" -> false;
            default -> throw invalid(key + " must be true or false, not '" + value + "'", S3_EXAMPLE);
        };
    }

    private long partSize(String key, String value) {
        long size;
        try {
            size = Long.parseLong(value);
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size < MIN_PART_SIZE || size > MAX_PART_SIZE) {
            throw invalid(key + " must be a number of bytes from " + MIN_PART_SIZE + " (5 MiB) to "
                    + MAX_PART_SIZE + " (5 GiB), not '" + value + "'", "s3://my-bucket/app?part-size=16777216");
        }
        return size;
    }

    private Map<String, String> query(String text) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (params.put(key, value) != null) {
                throw invalid("query parameter '" + key + "' is given twice", S3_EXAMPLE);
            }
        }
        return params;
    }

    private void rejectFragment(String body, String example) {
        if (body.contains("#")) {
            throw invalid("'#' is not allowed (a fragment has no meaning here)", example);
        }
    }

    /** Percent-decoding as in a URL path; '+' stays '+' (Go's url.Parse does the same for paths). */
    private String decode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%') {
                int hi = i + 2 < bytes.length ? Character.digit(bytes[i + 1], 16) : -1;
                int lo = hi >= 0 ? Character.digit(bytes[i + 2], 16) : -1;
                if (lo < 0) {
                    throw invalid("'%' must be followed by two hex digits", exampleFor(input));
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String exampleFor(String url) {
        return url.regionMatches(true, 0, "s3:", 0, 3) ? S3_EXAMPLE : FILE_EXAMPLE;
    }

    private IllegalArgumentException invalid(String problem, String example) {
        return new IllegalArgumentException("Invalid replica URL '" + UrlRedaction.redact(input) + "': "
                + problem + "; e.g. " + example);
    }
}
