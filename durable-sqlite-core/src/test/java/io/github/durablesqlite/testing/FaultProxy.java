package io.github.durablesqlite.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 proxy on a loopback port in front of an S3 server that injects faults, switched at run
 * time: added latency, 500/503 answers with S3's XML error body, connections reset mid-request or
 * mid-response, an outage that resets every connection, and slow uploads.
 *
 * <p>It forwards the client's bytes unchanged (over a fresh upstream connection per request), so
 * SigV4 signatures stay valid as long as the client addressed the proxy: build replica URLs with
 * {@link #replicaUrl}. It reads message framing (Content-Length, chunked bodies, {@code Expect:
 * 100-continue}, keep-alive) only to know where each message ends and where a fault can land.
 *
 * <p>Every fault is counted by kind in {@link #injected()}. Fractions are drawn from a seeded
 * random source, so a run's sequence of decisions repeats (the timing of requests may still vary).
 */
public final class FaultProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);

    /** The kinds of fault, as counted by {@link #injected()}. */
    public enum Fault {
        /** a request held back by the configured latency before it was forwarded */
        LATENCY,
        /** a request answered 500 InternalError by the proxy, never reaching the store */
        ERROR_500,
        /** a request answered 503 SlowDown by the proxy, never reaching the store */
        ERROR_503,
        /** a connection reset after half of the request was forwarded: the store never acted */
        RESET_MID_REQUEST,
        /** a connection reset after the store acted and half of its response was forwarded */
        RESET_MID_RESPONSE,
        /** a connection or request reset because the proxy was in an outage */
        OUTAGE,
        /** a request whose body was forwarded at the slow-upload rate */
        SLOW_UPLOAD
    }

    /** What applies to the next request; immutable, swapped whole so a request sees one consistent set. */
    private record Settings(long latencyNanos, int errorStatus, double errorFraction, double resetRequestFraction,
                            double resetResponseFraction, long outageUntilNanos, long uploadBytesPerSecond) {
        static final Settings PASS_THROUGH = new Settings(0, 0, 0, 0, 0, Long.MIN_VALUE, 0);
    }

    /** The faults chosen for one request. */
    record Decision(boolean outage, long latencyNanos, int errorStatus, boolean resetMidRequest,
                    boolean resetMidResponse, long uploadBytesPerSecond) {
    }

    private final URI target;
    private final ServerSocket server;
    private final URI endpoint;
    private final Random random;
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
    private final AtomicLong requests = new AtomicLong();
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final Set<Socket> upstreams = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile Settings settings = Settings.PASS_THROUGH;
    private volatile boolean closed;

    private FaultProxy(URI target, long seed) throws IOException {
        this.target = target;
        this.random = new Random(seed);
        for (Fault fault : Fault.values()) {
            injected.put(fault, new AtomicLong());
        }
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        endpoint = URI.create("http://127.0.0.1:" + server.getLocalPort());
        acceptor = new Thread(this::acceptLoop, "fault-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy in front of {@code s3}, passing everything through until told otherwise; close it. */
    public static FaultProxy start(S3ProxyServer s3) {
        return start(s3.endpoint(), 1);
    }

    /** A proxy in front of any HTTP endpoint, with the seed of its random fractions. */
    public static FaultProxy start(URI target, long seed) {
        try {
            return new FaultProxy(target, seed);
        } catch (IOException e) {
            throw new UncheckedIOException("fault proxy did not bind a loopback port", e);
        }
    }

    /** Where clients connect: {@code http://127.0.0.1:PORT}. */
    public URI endpoint() {
        return endpoint;
    }

    /** A replica URL for {@code bucket/prefix} that goes through this proxy. */
    public String replicaUrl(String bucket, String prefix) {
        String path = prefix == null || prefix.isEmpty() ? "" : "/" + prefix;
        return "s3://" + bucket + path + "?endpoint=" + endpoint + "&region=" + S3ProxyServer.REGION
                + "&force-path-style=true";
    }

    /** Ends every fault, an outage included. */
    public synchronized FaultProxy passThrough() {
        settings = Settings.PASS_THROUGH;
        return this;
    }

    /** Holds every request back this long before forwarding it. */
    public synchronized FaultProxy latency(Duration perRequest) {
        Settings s = settings;
        settings = new Settings(perRequest.toNanos(), s.errorStatus, s.errorFraction, s.resetRequestFraction,
                s.resetResponseFraction, s.outageUntilNanos, s.uploadBytesPerSecond);
        return this;
    }

    /** Answers this fraction of requests (0 to 1) with {@code status} (500 or 503) instead of forwarding them. */
    public synchronized FaultProxy errors(int status, double fraction) {
        if (status != 500 && status != 503) {
            throw new IllegalArgumentException("status must be 500 or 503: " + status);
        }
        Settings s = settings;
        settings = new Settings(s.latencyNanos, status, checkFraction(fraction), s.resetRequestFraction,
                s.resetResponseFraction, s.outageUntilNanos, s.uploadBytesPerSecond);
        return this;
    }

    /** Resets the connection after half of the request reached the store, for this fraction of requests. */
    public synchronized FaultProxy resetsMidRequest(double fraction) {
        Settings s = settings;
        settings = new Settings(s.latencyNanos, s.errorStatus, s.errorFraction, checkFraction(fraction),
                s.resetResponseFraction, s.outageUntilNanos, s.uploadBytesPerSecond);
        return this;
    }

    /** Resets the connection after the store answered and half of its answer was forwarded. */
    public synchronized FaultProxy resetsMidResponse(double fraction) {
        Settings s = settings;
        settings = new Settings(s.latencyNanos, s.errorStatus, s.errorFraction, s.resetRequestFraction,
                checkFraction(fraction), s.outageUntilNanos, s.uploadBytesPerSecond);
        return this;
    }

    /** Resets every connection and request from now until {@link #passThrough()}. */
    public FaultProxy outage() {
        return outageUntil(Long.MAX_VALUE);
    }

    /** Resets every connection and request for this long from now; then the other settings apply again. */
    public FaultProxy outage(Duration length) {
        return outageUntil(System.nanoTime() + length.toNanos());
    }

    private synchronized FaultProxy outageUntil(long nanos) {
        Settings s = settings;
        settings = new Settings(s.latencyNanos, s.errorStatus, s.errorFraction, s.resetRequestFraction,
                s.resetResponseFraction, nanos, s.uploadBytesPerSecond);
        // Connections kept alive from before must not outlive the outage's start.
        for (Socket socket : clients) {
            requests.incrementAndGet();
            count(Fault.OUTAGE);
            reset(socket);
        }
        for (Socket socket : upstreams) {
            reset(socket);
        }
        return this;
    }

    /** Whether an outage is in force right now. */
    public boolean inOutage() {
        return inOutage(settings);
    }

    private static boolean inOutage(Settings s) {
        if (s.outageUntilNanos == Long.MIN_VALUE || s.outageUntilNanos == Long.MAX_VALUE) {
            return s.outageUntilNanos == Long.MAX_VALUE; // none, or until passThrough()
        }
        return System.nanoTime() - s.outageUntilNanos < 0;
    }

    /** Forwards request bodies at this many bytes per second. */
    public synchronized FaultProxy slowUploads(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be positive: " + bytesPerSecond);
        }
        Settings s = settings;
        settings = new Settings(s.latencyNanos, s.errorStatus, s.errorFraction, s.resetRequestFraction,
                s.resetResponseFraction, s.outageUntilNanos, bytesPerSecond);
        return this;
    }

    /** Faults injected so far, by kind (every kind present, zero if none). */
    public Map<Fault, Long> injected() {
        Map<Fault, Long> counts = new EnumMap<>(Fault.class);
        injected.forEach((fault, count) -> counts.put(fault, count.get()));
        return counts;
    }

    public long injected(Fault fault) {
        return injected.get(fault).get();
    }

    /** Requests seen so far, faulted or not, plus connections an outage reset before a request. */
    public long requests() {
        return requests.get();
    }

    /** Draws the faults for one request and counts them. */
    Decision decide(HttpHead request) {
        requests.incrementAndGet();
        Settings s = settings;
        if (inOutage(s)) {
            count(Fault.OUTAGE);
            return new Decision(true, 0, 0, false, false, 0);
        }
        boolean resetMidRequest;
        boolean error;
        boolean resetMidResponse;
        synchronized (random) {
            resetMidRequest = roll(s.resetRequestFraction);
            error = !resetMidRequest && roll(s.errorFraction);
            resetMidResponse = !resetMidRequest && !error && roll(s.resetResponseFraction);
        }
        long pace = request.requestHasBody() ? s.uploadBytesPerSecond : 0;
        if (s.latencyNanos > 0) {
            count(Fault.LATENCY);
        }
        if (pace > 0 && !error) {
            count(Fault.SLOW_UPLOAD);
        }
        if (error) {
            count(s.errorStatus == 500 ? Fault.ERROR_500 : Fault.ERROR_503);
        }
        if (resetMidRequest) {
            count(Fault.RESET_MID_REQUEST);
        }
        if (resetMidResponse) {
            count(Fault.RESET_MID_RESPONSE);
        }
        return new Decision(false, s.latencyNanos, error ? s.errorStatus : 0, resetMidRequest, resetMidResponse,
                error ? 0 : pace);
    }

    private boolean roll(double fraction) {
        return fraction >= 1 || (fraction > 0 && random.nextDouble() < fraction);
    }

    private void count(Fault fault) {
        injected.get(fault).incrementAndGet();
    }

    private static double checkFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be from 0 to 1: " + fraction);
        }
        return fraction;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("fault proxy {} - accept failed: {}", endpoint, e.toString());
                }
                return;
            }
            if (inOutage()) {
                requests.incrementAndGet();
                count(Fault.OUTAGE);
                reset(client);
                continue;
            }
            clients.add(client);
            Thread relay = new Thread(new FaultRelay(this, client, target), "fault-proxy-relay");
            relay.setDaemon(true);
            relay.start();
        }
    }

    void trackUpstream(Socket socket) {
        upstreams.add(socket);
    }

    void forget(Socket socket) {
        clients.remove(socket);
        upstreams.remove(socket);
    }

    /** An abortive close: the peer sees "connection reset", as from a crashed server or a middlebox. */
    static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed: nothing to reset
        }
        closeQuietly(socket);
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort; the peer sees the end either way
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // the port is released either way
        }
        for (Socket socket : clients) {
            closeQuietly(socket);
        }
        for (Socket socket : upstreams) {
            closeQuietly(socket);
        }
    }
}
