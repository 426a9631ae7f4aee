package dev.hourglass.server;

import io.undertow.io.Receiver;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.xnio.IoUtils;

/**
 * Matches method and path to an endpoint on the IO thread, reads a body there without blocking, and
 * runs the endpoint on a worker thread: store calls never run on an IO thread.
 *
 * <p>Before matching, in this order: a transfer coding other than {@code chunked} gets 501 (the body
 * cannot be framed, so the connection closes); a method this server does not know (methods are
 * case-sensitive: {@code get} is not {@code GET}) gets 501; with an access token configured, every
 * path but {@code /health} needs {@code Authorization: Bearer <token>} (401 otherwise). Then a path no
 * route has gets 404, and a method the path's routes do not take gets 405 with {@code Allow}.
 */
final class Router implements HttpHandler {

    /** What a matched request runs on a worker thread; it answers through {@code call}. */
    @FunctionalInterface
    interface Handler {
        void handle(Call call) throws Exception;
    }

    /** A route's name (its path), whether it reads a body, and where each {@code {name}} segment sits. */
    record Endpoint(String route, boolean readsBody, Handler handler, Map<String, Integer> params) {}

    /** One line of the route table: a method and a path pattern whose {@code {name}} segments match any segment. */
    private record Route(String method, String[] pattern, Endpoint endpoint) {
        boolean matches(String[] segments) {
            if (segments.length != pattern.length) {
                return false;
            }
            for (int k = 0; k < pattern.length; k++) {
                if (!pattern[k].startsWith("{") && !pattern[k].equals(segments[k])) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The methods of HTTP (RFC 9110, and PATCH); others get 501, these get 405 where a route does not take them. */
    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");

    /** Request bodies this many times the limit or more are not drained before the 413: the connection closes. */
    private static final long DRAIN_FACTOR = 16;

    private final Admission admission;
    private final BooleanSupplier stopping;
    private final HttpMetrics metrics;
    private final Access access;
    private final long maxBody;
    private final List<Route> routes = new ArrayList<>();

    Router(
            Admission admission,
            BooleanSupplier stopping,
            HealthApi ops,
            SessionApi sessions,
            StreamApi streams,
            SweeperApi sweeper,
            LimiterApi limits,
            HttpMetrics metrics,
            Access access,
            long maxBody) {
        this.admission = admission;
        this.stopping = stopping;
        this.metrics = metrics;
        this.access = access;
        this.maxBody = maxBody;
        add("GET", "/health", false, ops::health);
        add("GET", "/metrics", false, ops::metrics);
        add("GET", "/api/interview/sessions", false, sessions::seedList);
        add("POST", "/api/interview/sessions", true, sessions::seedSave);
        add("GET", "/api/interview/sessions/{id}", false, sessions::seedGet);
        add("DELETE", "/api/interview/sessions/{id}", false, sessions::delete);
        add("PUT", "/api/interview/sessions/{id}/touch", false, sessions::touch);
        add("GET", "/api/sessions", false, sessions::list);
        add("POST", "/api/sessions", true, sessions::create);
        add("GET", "/api/sessions/{id}", false, sessions::get);
        add("PUT", "/api/sessions/{id}", true, sessions::put);
        add("PATCH", "/api/sessions/{id}", true, sessions::patch);
        add("DELETE", "/api/sessions/{id}", false, sessions::delete);
        add("POST", "/api/sessions/{id}/touch", false, sessions::touch);
        add("PUT", "/api/sessions/{id}/touch", false, sessions::touch);
        add("GET", "/api/streams/{id}", false, streams::state);
        add("POST", "/api/streams/{id}", true, streams::open);
        add("DELETE", "/api/streams/{id}", false, streams::delete);
        add("POST", "/api/streams/{id}/messages", true, streams::append);
        add("POST", "/api/streams/{id}/complete", false, streams::complete);
        add("POST", "/api/streams/{id}/fail", true, streams::fail);
        add("GET", "/api/streams/{id}/next", false, streams::next);
        add("GET", "/api/streams/{id}/events", false, streams::events);
        add("GET", "/api/sweeper/status", false, sweeper::status);
        add("POST", "/api/sweeper/start", false, sweeper::start);
        add("POST", "/api/sweeper/stop", false, sweeper::stop);
        add("POST", "/api/sweeper/run", false, sweeper::run);
        add("POST", "/api/limits/quota/{name}/{key}", false, limits::quota);
        add("POST", "/api/limits/window/{name}/{key}", false, limits::window);
        add("POST", "/api/limits/bucket/{name}/{key}", false, limits::bucket);
        add("POST", "/api/permits/{name}/{key}", false, limits::acquire);
        add("GET", "/api/permits/{name}/{key}", false, limits::inUse);
        add("PUT", "/api/permits/{name}/{key}/{permitId}", false, limits::renew);
        add("DELETE", "/api/permits/{name}/{key}/{permitId}", false, limits::release);
    }

    /**
     * Adds a route: {@code method} (exact, upper case) and {@code path} with {@code {name}} for a
     * segment that may be anything; the path is also the route's name in metrics.
     */
    void add(String method, String path, boolean readsBody, Handler handler) {
        if (!KNOWN_METHODS.contains(method) || !path.startsWith("/")) {
            throw new IllegalArgumentException(
                    "route must be an HTTP method and a path from /, was " + method + " " + path);
        }
        String[] pattern = path.substring(1).split("/", -1);
        Map<String, Integer> params = new HashMap<>();
        for (int k = 0; k < pattern.length; k++) {
            if (pattern[k].startsWith("{") && params.put(pattern[k].substring(1, pattern[k].length() - 1), k) != null) {
                throw new IllegalArgumentException("route must name each path parameter once, was " + path);
            }
        }
        routes.add(new Route(method, pattern, new Endpoint(path, readsBody, handler, Map.copyOf(params))));
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        long start = System.nanoTime();
        if (!admission.connection(exchange)) {
            return;
        }
        String[] segments;
        Endpoint endpoint;
        try {
            refuseUnknownTransferCoding(exchange);
            String method = exchange.getRequestMethod().toString();
            if (!KNOWN_METHODS.contains(method)) {
                throw new ApiException(501, "method '" + method + "' is not implemented (methods are case-sensitive)");
            }
            segments = Paths.segments(exchange.getRequestURI());
            if (!(segments.length == 1 && segments[0].equals("health"))) {
                access.check(exchange);
            }
            endpoint = match(exchange, method, segments);
        } catch (ApiException e) {
            if (exchange.getRequestContentLength() > maxBody
                    || exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING)) {
                exchange.setPersistent(false);
            }
            metrics.track(exchange, e.status() == 404 ? "NOT_FOUND" : "UNMATCHED", start);
            Call.error(
                    exchange,
                    e.status(),
                    e.status() == 404
                            ? "no endpoint " + exchange.getRequestMethod() + " " + exchange.getRequestPath()
                            : e.getMessage());
            return;
        }
        metrics.track(exchange, endpoint.route(), start);
        if (!endpoint.readsBody()) {
            admission.dispatch(exchange, () -> run(endpoint, exchange, segments, null));
            return;
        }
        long length = exchange.getRequestContentLength();
        if (length > maxBody) {
            if (length >= maxBody * DRAIN_FACTOR) {
                exchange.setPersistent(false);
            }
            Call.error(exchange, 413, tooLarge(length));
            return;
        }
        Receiver receiver = exchange.getRequestReceiver();
        receiver.setMaxBufferSize((int) maxBody);
        receiver.receiveFullBytes(
                (ex, body) -> admission.dispatch(ex, () -> run(endpoint, ex, segments, body)), (ex, error) -> {
                    if (error instanceof Receiver.RequestToLargeException) {
                        ex.setPersistent(false);
                        Call.error(ex, 413, tooLarge(-1));
                    } else {
                        IoUtils.safeClose(ex.getConnection());
                    }
                });
    }

    /**
     * A 501 for any transfer coding but {@code chunked}: the server cannot decode it, and without
     * knowing where the body ends the connection cannot be reused.
     */
    private static void refuseUnknownTransferCoding(HttpServerExchange exchange) {
        HeaderValues codings = exchange.getRequestHeaders().get(Headers.TRANSFER_ENCODING);
        if (codings == null) {
            return;
        }
        for (String value : codings) {
            for (String coding : value.split(",", -1)) {
                String c = coding.trim().toLowerCase(Locale.ROOT);
                if (!c.equals("chunked")) {
                    exchange.setPersistent(false);
                    throw new ApiException(
                            501,
                            "transfer coding '" + abbreviate(coding.trim())
                                    + "' is not supported; send the body with Content-Length or chunked");
                }
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }

    private String tooLarge(long length) {
        return "request body " + (length >= 0 ? "of " + length + " bytes " : "") + "is above the limit of " + maxBody
                + " bytes (option --max-body)";
    }

    private void run(Endpoint endpoint, HttpServerExchange exchange, String[] segments, byte[] body) {
        Call call = new Call(exchange, endpoint.route(), endpoint.params(), segments, body);
        try {
            endpoint.handler().handle(call);
        } catch (Throwable e) {
            try {
                call.fail(e, stopping.getAsBoolean());
            } catch (RuntimeException failed) {
                e.addSuppressed(failed);
                IoUtils.safeClose(exchange.getConnection());
            }
        }
    }

    /** The route of {@code method} on the path, a 405 naming the methods the path takes, or a 404. */
    private Endpoint match(HttpServerExchange exchange, String method, String[] segments) {
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            if (r.matches(segments)) {
                if (r.method().equals(method)) {
                    return r.endpoint();
                }
                allowed.add(r.method());
            }
        }
        if (allowed.isEmpty()) {
            throw new ApiException(404, "no such endpoint");
        }
        String allow = String.join(", ", allowed);
        exchange.getResponseHeaders().put(Headers.ALLOW, allow);
        throw new ApiException(405, "method " + method + " is not allowed here; allowed: " + allow);
    }
}
