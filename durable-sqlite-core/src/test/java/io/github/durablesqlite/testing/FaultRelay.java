package io.github.durablesqlite.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection of the {@link FaultProxy}: relays its requests one at a time over its own
 * upstream connections, applying the faults the proxy decides per request. Requests are not
 * pipelined by the AWS SDK's HTTP client, so one thread per connection, request then response, is
 * enough.
 */
final class FaultRelay implements Runnable {
    private static final AtomicLong ERROR_IDS = new AtomicLong();

    private final FaultProxy proxy;
    private final Socket client;
    private final URI target;
    private Socket upstream;
    private InputStream upIn;
    private FaultyOutput upOut;

    FaultRelay(FaultProxy proxy, Socket client, URI target) {
        this.proxy = proxy;
        this.client = client;
        this.target = target;
    }

    @Override
    public void run() {
        try {
            InputStream in = new BufferedInputStream(client.getInputStream());
            FaultyOutput out = new FaultyOutput(new BufferedOutputStream(client.getOutputStream()));
            while (exchange(in, out)) {
                out.reset();
                closeUpstream();
            }
            closeAll();
        } catch (FaultyOutput.BudgetSpent injected) {
            resetAll();
        } catch (IOException | RuntimeException e) {
            // A peer went away (or an outage reset us): end both sides so neither waits for the other.
            resetAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            resetAll();
        }
    }

    /** Relays one request and its response; false when the connection is to end. */
    private boolean exchange(InputStream in, FaultyOutput out) throws IOException, InterruptedException {
        HttpHead request = HttpHead.read(in);
        if (request == null) {
            return false;
        }
        FaultProxy.Decision decision = proxy.decide(request);
        if (decision.outage()) {
            resetAll();
            return false;
        }
        if (decision.latencyNanos() > 0) {
            TimeUnit.NANOSECONDS.sleep(decision.latencyNanos());
        }
        if (decision.errorStatus() != 0) {
            return answerError(request, in, out, decision.errorStatus());
        }
        openUpstream();
        if (decision.resetMidRequest()) {
            upOut.cutAfter((request.bytes.length + Math.max(0, request.contentLength())) / 2);
        }
        upOut.write(request.bytes);
        upOut.flush();
        boolean keepAlive = !request.closes();
        HttpHead response;
        if (request.requestHasBody() && request.expectsContinue()) {
            // The client holds the body back until the store says 100 Continue (or answers at once).
            response = HttpHead.read(upIn);
            if (response != null && response.status() == 100) {
                out.write(response.bytes);
                out.flush();
                relayBody(request, in, decision.uploadBytesPerSecond());
                response = readFinalResponse(out);
            } else {
                keepAlive = false; // the body stayed unsent: the connection's state is unknown
            }
        } else {
            relayBody(request, in, decision.uploadBytesPerSecond());
            response = readFinalResponse(out);
        }
        if (response == null) {
            throw new IOException("store closed the connection without answering " + request.startLine);
        }
        if (decision.resetMidResponse()) {
            long known = bodyLength(request, response);
            out.cutAfter((response.bytes.length + Math.max(0, known)) / 2);
        }
        out.write(response.bytes);
        long length = bodyLength(request, response);
        if (response.chunked() && length != 0) {
            HttpHead.relayChunked(upIn, out);
        } else if (length > 0) {
            HttpHead.relay(upIn, out, length);
        } else if (length < 0) {
            HttpHead.relayToEnd(upIn, out);
            keepAlive = false;
        }
        out.flush();
        return keepAlive && !response.closes();
    }

    private void relayBody(HttpHead request, InputStream in, long bytesPerSecond) throws IOException {
        if (bytesPerSecond > 0) {
            upOut.pace(bytesPerSecond);
        }
        if (request.chunked()) {
            HttpHead.relayChunked(in, upOut);
        } else if (request.contentLength() > 0) {
            HttpHead.relay(in, upOut, request.contentLength());
        }
        upOut.flush();
    }

    /** Forwards interim 1xx answers and returns the final one. */
    private HttpHead readFinalResponse(OutputStream out) throws IOException {
        while (true) {
            HttpHead response = HttpHead.read(upIn);
            if (response == null || response.status() >= 200 || response.status() == 101) {
                return response;
            }
            out.write(response.bytes);
            out.flush();
        }
    }

    /** 0 for no body, the Content-Length, 1 for chunked (any positive), -1 for "until the store closes". */
    private static long bodyLength(HttpHead request, HttpHead response) {
        int status = response.status();
        if ("HEAD".equals(request.method()) || status == 204 || status == 304 || status < 200) {
            return 0;
        }
        if (response.chunked()) {
            return 1;
        }
        return response.contentLength();
    }

    /** Answers in the store's place with S3's XML error body; the request never reaches the store. */
    private boolean answerError(HttpHead request, InputStream in, OutputStream out, int status) throws IOException {
        // Without "Expect: 100-continue" the body is on its way: read it so the connection can stay
        // open. With it, the client sends no body after a final answer, so the connection must close.
        boolean keepAlive = !(request.requestHasBody() && request.expectsContinue()) && !request.closes();
        if (keepAlive) {
            if (request.chunked()) {
                HttpHead.relayChunked(in, OutputStream.nullOutputStream());
            } else if (request.contentLength() > 0) {
                HttpHead.relay(in, OutputStream.nullOutputStream(), request.contentLength());
            }
        }
        String id = "fault-" + ERROR_IDS.incrementAndGet();
        String code = status == 500 ? "InternalError" : "SlowDown";
        String message = status == 500 ? "We encountered an internal error. Please try again."
                : "Please reduce your request rate.";
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>"
                + message + "</Message><RequestId>" + id + "</RequestId><HostId>fault-proxy</HostId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + (status == 500 ? " Internal Server Error" : " Service Unavailable")
                + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                + "\r\nx-amz-request-id: " + id + "\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        return keepAlive;
    }

    /**
     * A fresh upstream connection per request: a kept-alive one could have been closed by the store
     * while idle, and the proxy would then turn a harmless reconnect into a fault nobody asked for.
     */
    private void openUpstream() throws IOException {
        Socket socket = new Socket();
        proxy.trackUpstream(socket);
        upstream = socket;
        socket.connect(new InetSocketAddress(target.getHost(), target.getPort()), 5_000);
        upIn = new BufferedInputStream(socket.getInputStream());
        upOut = new FaultyOutput(new BufferedOutputStream(socket.getOutputStream()));
    }

    private void closeUpstream() {
        if (upstream != null) {
            FaultProxy.closeQuietly(upstream);
            proxy.forget(upstream);
            upstream = null;
        }
    }

    private void closeAll() {
        FaultProxy.closeQuietly(client);
        proxy.forget(client);
        closeUpstream();
    }

    private void resetAll() {
        FaultProxy.reset(client);
        proxy.forget(client);
        if (upstream != null) {
            FaultProxy.reset(upstream);
            proxy.forget(upstream);
        }
    }
}
