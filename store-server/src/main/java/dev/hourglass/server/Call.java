package dev.hourglass.server;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/** One request on a worker thread: its path parameters, query, body, and the ways to answer it. */
final class Call {

    private static final Logger log = LoggerFactory.getLogger(Call.class);

    static final String JSON = "application/json";

    final HttpServerExchange exchange;
    private final String route;
    private final Map<String, Integer> params;
    private final String[] segments;
    private final byte[] body;

    Call(HttpServerExchange exchange, String route, Map<String, Integer> params, String[] segments, byte[] body) {
        this.exchange = exchange;
        this.route = route;
        this.params = params;
        this.segments = segments;
        this.body = body;
    }

    /** The path segment the route names {@code {name}}, percent-decoded. */
    String param(String name) {
        Integer index = params.get(name);
        if (index == null) {
            throw new IllegalStateException("route " + route + " has no path parameter " + name);
        }
        return segments[index];
    }

    byte[] body() {
        return body;
    }

    boolean hasBody() {
        return body != null && body.length > 0;
    }

    /** The first value of the query parameter, percent-decoded as UTF-8, or {@code null}. */
    String query(String name) {
        String q = exchange.getQueryString();
        if (q == null || q.isEmpty()) {
            return null;
        }
        int start = 0;
        int len = q.length();
        while (start <= len) {
            int amp = q.indexOf('&', start);
            int end = amp < 0 ? len : amp;
            int eq = q.indexOf('=', start);
            int keyEnd = eq < 0 || eq > end ? end : eq;
            if (decodeQuery(q, start, keyEnd, "query parameter name").equals(name)) {
                return keyEnd == end ? "" : decodeQuery(q, keyEnd + 1, end, "query parameter '" + name + "'");
            }
            if (amp < 0) {
                break;
            }
            start = amp + 1;
        }
        return null;
    }

    /** A part of the query, '+' as space and percent-decoded as strict UTF-8; a 400 naming {@code what} if it is not. */
    private static String decodeQuery(String q, int from, int to, String what) {
        String part = q.substring(from, to);
        if (part.indexOf('%') < 0 && part.indexOf('+') < 0) {
            return part;
        }
        return Paths.decode(part.replace('+', ' '), what);
    }

    /**
     * The {@code reader} query parameter, checked by the store's rule for reader names (1 to 256 bytes
     * of printable UTF-8) before anything is answered, so that {@code next} and {@code events} refuse
     * the same names with the same 400.
     */
    String reader() {
        return Paths.checkName("reader", requiredQuery("reader"));
    }

    String requiredQuery(String name) {
        String v = query(name);
        if (v == null || v.isEmpty()) {
            throw new ApiException(400, "query parameter '" + name + "' is required");
        }
        return v;
    }

    /** The {@code ttl} query parameter in seconds, or {@code fallback} when absent. */
    Duration ttl(Duration fallback) {
        String v = query("ttl");
        if (v == null) {
            return fallback;
        }
        try {
            long s = Long.parseLong(v.trim());
            if (s > 0) {
                return Duration.ofSeconds(s);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiException(400, "query parameter 'ttl' must be a positive number of seconds, was '" + v + "'");
    }

    /** A non-negative integer query parameter at most {@code max}, or {@code fallback} when absent. */
    long number(String name, long fallback, long max) {
        String v = query(name);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 0 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiException(
                400, "query parameter '" + name + "' must be a whole number from 0 to " + max + ", was '" + v + "'");
    }

    String header(HttpString name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    void header(HttpString name, String value) {
        exchange.getResponseHeaders().put(name, value);
    }

    void json(int status, Json.Body body) {
        send(status, Json.write(body), JSON);
    }

    void send(int status, ByteBuffer body, String contentType) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseSender().send(body);
    }

    /** {"success": success, ...fields}: the envelope of {@link Json#envelope}. */
    void json(int status, boolean success, Json.Body fields) {
        json(status, g -> Json.envelope(g, success, fields));
    }

    /** {"success": true, "data": {...fields}}. */
    void data(int status, Json.Body fields) {
        json(status, g -> Json.data(g, fields));
    }

    /** {"success": true} with nothing else. */
    void ok() {
        json(200, true, g -> {});
    }

    /**
     * Answers with the JSON error for {@code e} (closes the connection when the response has already
     * started). Failures of the store are logged in our own words; the cause goes to DEBUG only, with
     * passwords redacted.
     */
    void fail(Throwable e, boolean stopping) {
        ApiException a = ApiException.of(e, stopping);
        if (a != e) {
            if (a.status() >= 500) {
                String line =
                        exchange.getRequestMethod() + " " + route + ": " + a.getMessage() + " (" + a.status() + ")";
                if (a.status() == 500) {
                    log.error(line);
                } else {
                    log.warn(line);
                }
            }
            if (log.isDebugEnabled()) {
                log.debug(
                        "{} {}: answered {}; cause: {}",
                        exchange.getRequestMethod(),
                        route,
                        a.status(),
                        ApiException.redactedCause(e));
            }
        }
        if (exchange.isResponseStarted()) {
            IoUtils.safeClose(exchange.getConnection());
            return;
        }
        error(exchange, a.status(), a.getMessage());
    }

    /**
     * The one place error answers are written: {@code {"success": false, "error": message}} with the
     * message checked by {@link ApiException#safe}, {@code Retry-After} on 503.
     */
    static void error(HttpServerExchange exchange, int status, String message) {
        exchange.setStatusCode(status);
        if (status == 503) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
        }
        exchange.getResponseHeaders().remove(Headers.ETAG);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, JSON);
        exchange.getResponseSender().send(Json.error(ApiException.safe(status, message)));
    }
}
