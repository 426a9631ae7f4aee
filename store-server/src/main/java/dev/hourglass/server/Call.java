package dev.hourglass.server;

import dev.hourglass.CorruptDataException;
import dev.hourglass.NoSuchStreamException;
import dev.hourglass.StoreCapacityException;
import dev.hourglass.StoreException;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.StreamClosedException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/** One request on a worker thread: its path segments, query, body, and the ways to answer it. */
final class Call {

    private static final Logger log = LoggerFactory.getLogger(Call.class);

    static final String JSON = "application/json";

    final HttpServerExchange exchange;
    private final String[] segments;
    private final byte[] body;

    Call(HttpServerExchange exchange, String[] segments, byte[] body) {
        this.exchange = exchange;
        this.segments = segments;
        this.body = body;
    }

    /** The path segment at {@code index}, percent-decoded. */
    String segment(int index) {
        return segments[index];
    }

    int segmentCount() {
        return segments.length;
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
            if (decodeQuery(q, start, keyEnd).equals(name)) {
                return keyEnd == end ? "" : decodeQuery(q, keyEnd + 1, end);
            }
            if (amp < 0) {
                break;
            }
            start = amp + 1;
        }
        return null;
    }

    private static String decodeQuery(String q, int from, int to) {
        String part = q.substring(from, to);
        if (part.indexOf('%') < 0 && part.indexOf('+') < 0) {
            return part;
        }
        try {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "malformed percent-encoding in query '" + part + "'");
        }
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
        throw new ApiException(400, "query parameter '" + name + "' must be a whole number from 0 to " + max
                + ", was '" + v + "'");
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

    /** {"success": true} with nothing else. */
    void ok() {
        json(200, g -> {
            g.writeStartObject();
            g.writeBooleanField("success", true);
            g.writeEndObject();
        });
    }

    /** Answers with the JSON error for {@code e}, unless the response has already started. */
    void fail(Throwable e, boolean stopping) {
        int status;
        String message;
        if (e instanceof ApiException a) {
            status = a.status();
            message = a.getMessage();
        } else if (e instanceof IllegalArgumentException) {
            status = 400;
            message = e.getMessage();
        } else if (e instanceof NoSuchStreamException) {
            status = 404;
            message = e.getMessage();
        } else if (e instanceof StreamClosedException) {
            status = 409;
            message = e.getMessage();
        } else if (e instanceof StoreUnavailableException) {
            status = 503;
            message = "store unavailable: " + e.getMessage();
            log.warn("{} {}: {}", exchange.getRequestMethod(), exchange.getRequestPath(), e.getMessage());
        } else if (e instanceof StoreCapacityException) {
            status = 507;
            message = e.getMessage();
            log.warn("{} {}: {}", exchange.getRequestMethod(), exchange.getRequestPath(), e.getMessage());
        } else if (stopping && e instanceof IllegalStateException) {
            status = 503;
            message = "the server is shutting down";
        } else if (e instanceof CorruptDataException) {
            status = 500;
            message = "stored data cannot be read: " + e.getMessage();
            log.error("{} {}: {}", exchange.getRequestMethod(), exchange.getRequestPath(), e.getMessage(), e);
        } else if (e instanceof StoreException) {
            status = 500;
            message = e.getMessage();
            log.error("{} {}: {}", exchange.getRequestMethod(), exchange.getRequestPath(), e.getMessage(), e);
        } else {
            status = 500;
            message = "internal error";
            log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
        }
        if (exchange.isResponseStarted()) {
            IoUtils.safeClose(exchange.getConnection());
            return;
        }
        if (status == 503) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
        }
        exchange.getResponseHeaders().remove(Headers.ETAG);
        send(status, Json.error(message == null ? e.getClass().getSimpleName() : message), JSON);
    }
}
