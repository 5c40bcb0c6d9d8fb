package io.github.durablesqlite.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The start line and headers of one HTTP/1.1 message, kept as the exact bytes that arrived so they
 * can be forwarded unchanged (a SigV4 signature covers the Host header and others), plus what a
 * relay needs to frame the body: its length or chunking, and whether the connection stays open.
 */
final class HttpHead {
    private static final int MAX_HEAD = 64 * 1024;

    final byte[] bytes;
    final String startLine;
    private final String[] lines;

    private HttpHead(byte[] bytes) {
        this.bytes = bytes;
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        this.lines = text.substring(0, text.length() - 4).split("\r\n");
        this.startLine = lines[0];
    }

    /** Reads up to and including the blank line; null when the peer closed before sending a byte. */
    static HttpHead read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int lastFour = 0;
        while (lastFour != 0x0D0A0D0A) { // CR LF CR LF ends the head
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed inside an HTTP head after " + head.size() + " bytes");
            }
            head.write(b);
            lastFour = (lastFour << 8) | b;
            if (head.size() > MAX_HEAD) {
                throw new IOException("HTTP head longer than " + MAX_HEAD + " bytes");
            }
        }
        return new HttpHead(head.toByteArray());
    }

    String header(String name) {
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase(name)) {
                return lines[i].substring(colon + 1).trim();
            }
        }
        return null;
    }

    String method() {
        return startLine.substring(0, startLine.indexOf(' '));
    }

    int status() {
        return Integer.parseInt(startLine.split(" ", 3)[1]);
    }

    boolean chunked() {
        String coding = header("Transfer-Encoding");
        return coding != null && coding.toLowerCase(Locale.ROOT).trim().endsWith("chunked");
    }

    /** The Content-Length, or -1 when absent. */
    long contentLength() {
        String length = header("Content-Length");
        return length == null ? -1 : Long.parseLong(length.trim());
    }

    boolean closes() {
        String connection = header("Connection");
        return connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
    }

    boolean expectsContinue() {
        String expect = header("Expect");
        return expect != null && expect.equalsIgnoreCase("100-continue");
    }

    /** Whether a request carries a body, by its framing headers. */
    boolean requestHasBody() {
        return chunked() || contentLength() > 0;
    }

    /** Copies one chunked body, chunk lines and trailers included, from {@code in} to {@code out}. */
    static void relayChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = readLine(in);
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                String trailer;
                do {
                    trailer = readLine(in);
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                } while (!trailer.isEmpty());
                return;
            }
            relay(in, out, size + 2); // the chunk and its CRLF
        }
    }

    /** Copies exactly {@code length} bytes. */
    static void relay(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("connection closed with " + left + " of " + length + " body bytes unread");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    /** Copies until the peer closes (a response framed by the end of the connection). */
    static void relayToEnd(InputStream in, OutputStream out) throws IOException {
        in.transferTo(out);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed inside a chunked body");
            }
            line.append((char) b);
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }
}
