package dev.hourglass.server;

import io.undertow.io.Receiver;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import org.xnio.IoUtils;

/**
 * Matches method and path to an endpoint on the IO thread, reads a body there without blocking, and
 * runs the endpoint on a worker thread: store calls never run on an IO thread.
 */
final class Router implements HttpHandler {

    /** What a matched request runs on a worker thread; it answers through {@code call}. */
    @FunctionalInterface
    interface Handler {
        void handle(Call call) throws Exception;
    }

    record Endpoint(String route, boolean readsBody, Handler handler) {
    }

    /** Request bodies this many times the limit or more are not drained before the 413: the connection closes. */
    private static final long DRAIN_FACTOR = 16;

    private final StoreServer server;
    private final SessionApi sessions;
    private final StreamApi streams;
    private final HttpMetrics metrics;
    private final long maxBody;

    private final Endpoint health;
    private final Endpoint prometheus;
    private final Endpoint seedList;
    private final Endpoint seedSave;
    private final Endpoint seedGet;
    private final Endpoint seedDelete;
    private final Endpoint seedTouch;
    private final Endpoint sessionCreate;
    private final Endpoint sessionList;
    private final Endpoint sessionGet;
    private final Endpoint sessionPut;
    private final Endpoint sessionPatch;
    private final Endpoint sessionDelete;
    private final Endpoint sessionTouch;
    private final Endpoint streamOpen;
    private final Endpoint streamState;
    private final Endpoint streamDelete;
    private final Endpoint streamAppend;
    private final Endpoint streamComplete;
    private final Endpoint streamFail;
    private final Endpoint streamNext;
    private final Endpoint streamEvents;

    Router(StoreServer server, SessionApi sessions, StreamApi streams, HttpMetrics metrics, long maxBody) {
        this.server = server;
        this.sessions = sessions;
        this.streams = streams;
        this.metrics = metrics;
        this.maxBody = maxBody;
        health = new Endpoint("/health", false, server::health);
        prometheus = new Endpoint("/metrics", false, server::metrics);
        seedList = new Endpoint("/api/interview/sessions", false, sessions::seedList);
        seedSave = new Endpoint("/api/interview/sessions", true, sessions::seedSave);
        seedGet = new Endpoint("/api/interview/sessions/{id}", false, sessions::seedGet);
        seedDelete = new Endpoint("/api/interview/sessions/{id}", false, sessions::delete);
        seedTouch = new Endpoint("/api/interview/sessions/{id}/touch", false, sessions::touch);
        sessionCreate = new Endpoint("/api/sessions", true, sessions::create);
        sessionList = new Endpoint("/api/sessions", false, sessions::list);
        sessionGet = new Endpoint("/api/sessions/{id}", false, sessions::get);
        sessionPut = new Endpoint("/api/sessions/{id}", true, sessions::put);
        sessionPatch = new Endpoint("/api/sessions/{id}", true, sessions::patch);
        sessionDelete = new Endpoint("/api/sessions/{id}", false, sessions::delete);
        sessionTouch = new Endpoint("/api/sessions/{id}/touch", false, sessions::touch);
        streamOpen = new Endpoint("/api/streams/{id}", true, streams::open);
        streamState = new Endpoint("/api/streams/{id}", false, streams::state);
        streamDelete = new Endpoint("/api/streams/{id}", false, streams::delete);
        streamAppend = new Endpoint("/api/streams/{id}/messages", true, streams::append);
        streamComplete = new Endpoint("/api/streams/{id}/complete", false, streams::complete);
        streamFail = new Endpoint("/api/streams/{id}/fail", true, streams::fail);
        streamNext = new Endpoint("/api/streams/{id}/next", false, streams::next);
        streamEvents = new Endpoint("/api/streams/{id}/events", false, streams::events);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        long start = System.nanoTime();
        String[] segments;
        Endpoint endpoint;
        try {
            segments = Paths.segments(exchange.getRequestURI());
            endpoint = match(exchange, exchange.getRequestMethod(), segments);
        } catch (ApiException e) {
            metrics.track(exchange, e.status() == 404 ? "NOT_FOUND" : "UNMATCHED", start);
            reject(exchange, e.status(), e.status() == 404
                    ? "no endpoint " + exchange.getRequestMethod() + " " + exchange.getRequestPath() : e.getMessage());
            return;
        }
        metrics.track(exchange, endpoint.route(), start);
        if (!endpoint.readsBody()) {
            exchange.dispatch(() -> run(endpoint, exchange, segments, null));
            return;
        }
        long length = exchange.getRequestContentLength();
        if (length > maxBody) {
            if (length >= maxBody * DRAIN_FACTOR) {
                exchange.setPersistent(false);
            }
            reject(exchange, 413, tooLarge(length));
            return;
        }
        Receiver receiver = exchange.getRequestReceiver();
        receiver.setMaxBufferSize((int) maxBody);
        receiver.receiveFullBytes(
                (ex, body) -> ex.dispatch(() -> run(endpoint, ex, segments, body)),
                (ex, error) -> {
                    if (error instanceof Receiver.RequestToLargeException) {
                        ex.setPersistent(false);
                        reject(ex, 413, tooLarge(-1));
                    } else {
                        IoUtils.safeClose(ex.getConnection());
                    }
                });
    }

    private String tooLarge(long length) {
        return "request body " + (length >= 0 ? "of " + length + " bytes " : "") + "is above the limit of " + maxBody
                + " bytes (option --max-body)";
    }

    private void run(Endpoint endpoint, HttpServerExchange exchange, String[] segments, byte[] body) {
        Call call = new Call(exchange, segments, body);
        try {
            endpoint.handler().handle(call);
        } catch (Throwable e) {
            try {
                call.fail(e, server.stopping());
            } catch (RuntimeException failed) {
                e.addSuppressed(failed);
                IoUtils.safeClose(exchange.getConnection());
            }
        }
    }

    private static void reject(HttpServerExchange exchange, int status, String message) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, Call.JSON);
        exchange.getResponseSender().send(Json.error(message));
    }

    private Endpoint match(HttpServerExchange exchange, HttpString method, String[] s) {
        int n = s.length;
        if (n == 1 && s[0].equals("health")) {
            return only(exchange, method, Methods.GET, health);
        }
        if (n == 1 && s[0].equals("metrics")) {
            return only(exchange, method, Methods.GET, prometheus);
        }
        if (n < 2 || !s[0].equals("api")) {
            throw notFound();
        }
        if (n >= 3 && s[1].equals("interview") && s[2].equals("sessions")) {
            if (n == 3) {
                return pick(exchange, method, Methods.GET, seedList, Methods.POST, seedSave);
            }
            if (n == 4) {
                return pick(exchange, method, Methods.GET, seedGet, Methods.DELETE, seedDelete);
            }
            if (n == 5 && s[4].equals("touch")) {
                return only(exchange, method, Methods.PUT, seedTouch);
            }
            throw notFound();
        }
        if (s[1].equals("sessions")) {
            if (n == 2) {
                return pick(exchange, method, Methods.GET, sessionList, Methods.POST, sessionCreate);
            }
            if (n == 3) {
                if (method.equals(Methods.GET)) {
                    return sessionGet;
                }
                if (method.equals(Methods.PUT)) {
                    return sessionPut;
                }
                if (method.equals(Methods.PATCH)) {
                    return sessionPatch;
                }
                if (method.equals(Methods.DELETE)) {
                    return sessionDelete;
                }
                throw notAllowed(exchange, method, "GET, PUT, PATCH, DELETE");
            }
            if (n == 4 && s[3].equals("touch")) {
                return pick(exchange, method, Methods.POST, sessionTouch, Methods.PUT, sessionTouch);
            }
            throw notFound();
        }
        if (s[1].equals("streams")) {
            if (n == 3) {
                if (method.equals(Methods.POST)) {
                    return streamOpen;
                }
                return pick(exchange, method, Methods.GET, streamState, Methods.DELETE, streamDelete);
            }
            if (n == 4) {
                return switch (s[3]) {
                    case "messages" -> only(exchange, method, Methods.POST, streamAppend);
                    case "complete" -> only(exchange, method, Methods.POST, streamComplete);
                    case "fail" -> only(exchange, method, Methods.POST, streamFail);
                    case "next" -> only(exchange, method, Methods.GET, streamNext);
                    case "events" -> only(exchange, method, Methods.GET, streamEvents);
                    default -> throw notFound();
                };
            }
        }
        throw notFound();
    }

    private static Endpoint only(HttpServerExchange exchange, HttpString method, HttpString allowed, Endpoint e) {
        if (method.equals(allowed)) {
            return e;
        }
        throw notAllowed(exchange, method, allowed.toString());
    }

    private static Endpoint pick(HttpServerExchange exchange, HttpString method, HttpString m1, Endpoint e1,
                                 HttpString m2, Endpoint e2) {
        if (method.equals(m1)) {
            return e1;
        }
        if (method.equals(m2)) {
            return e2;
        }
        throw notAllowed(exchange, method, m1 + ", " + m2);
    }

    private static ApiException notFound() {
        return new ApiException(404, "no such endpoint");
    }

    private static ApiException notAllowed(HttpServerExchange exchange, HttpString method, String allowed) {
        exchange.getResponseHeaders().put(Headers.ALLOW, allowed);
        return new ApiException(405, "method " + method + " is not allowed here; allowed: " + allowed);
    }
}
