package dev.hourglass.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hourglass.Attributes;
import dev.hourglass.Merge;
import dev.hourglass.Page;
import dev.hourglass.Session;
import dev.hourglass.Sessions;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Sessions over HTTP: the seed API under {@code /api/interview/sessions} ({sessionId, sessionData}
 * documents, load-and-save) and {@code /api/sessions} (atomic merge, compare-and-set on the version as
 * ETag / If-Match). Session data is a JSON object stored as one attribute per top-level field.
 */
final class SessionApi {

    private static final int LIST_PAGE = 1000;
    private static final int MAX_PAGE = 10_000;

    private final Sessions sessions;
    private final Duration defaultTtl;

    SessionApi(Sessions sessions, Duration defaultTtl) {
        this.sessions = sessions;
        this.defaultTtl = defaultTtl;
    }

    /** POST /api/interview/sessions {sessionId, sessionData}: creates or replaces, with the default TTL. */
    void seedSave(Call c) {
        ObjectNode body = Json.parseObject(c.body(), "request body");
        JsonNode id = body.get("sessionId");
        if (id == null || id.isNull()) {
            throw new ApiException(400, "sessionId is required");
        }
        if (!id.isTextual()) {
            throw new ApiException(400, "sessionId must be a string, was " + Json.kind(id));
        }
        JsonNode data = body.get("sessionData");
        if (data == null || data.isNull()) {
            throw new ApiException(400, "sessionData is required");
        }
        if (!data.isObject()) {
            throw new ApiException(400, "sessionData must be a JSON object, was " + Json.kind(data));
        }
        Session s = sessions.put(id.textValue(), Json.attributes((ObjectNode) data), defaultTtl);
        reply(c, 200, s);
    }

    /** GET /api/interview/sessions/{id}: 200 with the session, 404 when absent or expired. */
    void seedGet(Call c) {
        get(c);
    }

    /** GET /api/interview/sessions: every live id, read page by page and streamed out. */
    void seedList(Call c) throws IOException {
        Page<String> first = sessions.ids(LIST_PAGE);
        HttpServerExchange ex = c.exchange;
        ex.startBlocking();
        ex.setStatusCode(200);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, Call.JSON);
        try (OutputStream out = ex.getOutputStream();
                JsonGenerator g = Json.generator(out)) {
            Json.envelope(g, true, x -> writeAllIds(x, first));
        }
        ex.endExchange();
    }

    /** {"data": [every live id, from {@code page} on], "count": n}, reading the next pages as it goes. */
    private void writeAllIds(JsonGenerator g, Page<String> page) throws IOException {
        g.writeArrayFieldStart("data");
        long count = 0;
        while (true) {
            for (String id : page.items()) {
                g.writeString(id);
                count++;
            }
            if (page.next().isEmpty()) {
                break;
            }
            page = sessions.ids(page.next().get(), LIST_PAGE);
        }
        g.writeEndArray();
        g.writeNumberField("count", count);
    }

    /** GET /api/sessions?cursor=&limit=: one page of live ids and the cursor of the next. */
    void list(Call c) {
        int limit = (int) c.number("limit", 100, MAX_PAGE);
        if (limit == 0) {
            throw new ApiException(400, "query parameter 'limit' must be from 1 to " + MAX_PAGE + ", was 0");
        }
        String cursor = c.query("cursor");
        Page<String> page = cursor == null || cursor.isEmpty() ? sessions.ids(limit) : sessions.ids(cursor, limit);
        c.data(200, g -> {
            g.writeArrayFieldStart("ids");
            for (String id : page.items()) {
                g.writeString(id);
            }
            g.writeEndArray();
            g.writeStringField("next", page.next().orElse(null));
        });
    }

    /** POST /api/sessions[?ttl=s] with an optional JSON object: a new session under a generated id. */
    void create(Call c) {
        Attributes data =
                c.hasBody() ? Json.attributes(Json.parseObject(c.body(), "session data")) : Attributes.empty();
        Session s = sessions.create(data, c.ttl(defaultTtl));
        c.header(Headers.LOCATION, "/api/sessions/" + encode(s.id()));
        reply(c, 201, s);
    }

    /** GET /api/sessions/{id}: the session with its version as ETag; 304 when If-None-Match names it. */
    void get(Call c) {
        String id = c.param("id");
        Session s = sessions.get(id).orElseThrow(() -> missing(id));
        String inm = c.header(Headers.IF_NONE_MATCH);
        if (inm != null && Versions.matches(inm, s.version())) {
            c.header(Headers.ETAG, Versions.etag(s.version()));
            c.exchange.setStatusCode(304);
            c.exchange.endExchange();
            return;
        }
        reply(c, 200, s);
    }

    /**
     * PUT /api/sessions/{id}[?ttl=s] with a JSON object: creates or replaces. With {@code If-Match}, a
     * compare-and-set on the version that keeps the expiry; with {@code If-None-Match: *}, only creates.
     */
    void put(Call c) {
        String id = c.param("id");
        Attributes data = Json.attributes(Json.parseObject(c.body(), "session data"));
        String ifMatch = c.header(Headers.IF_MATCH);
        String ifNoneMatch = c.header(Headers.IF_NONE_MATCH);
        if (ifMatch != null && ifNoneMatch != null) {
            throw new ApiException(400, "give either If-Match or If-None-Match, not both");
        }
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.trim().equals("*")) {
                throw new ApiException(400, "If-None-Match on PUT must be *, was '" + ifNoneMatch + "'");
            }
            Session s = sessions.createIfAbsent(id, data, c.ttl(defaultTtl))
                    .orElseThrow(() -> new ApiException(412, "session '" + id + "' already exists (If-None-Match: *)"));
            reply(c, 201, s);
            return;
        }
        if (ifMatch == null) {
            reply(c, 200, sessions.put(id, data, c.ttl(defaultTtl)));
            return;
        }
        if (c.query("ttl") != null) {
            throw new ApiException(
                    400,
                    "query parameter 'ttl' cannot be combined with If-Match: a compare-and-set keeps "
                            + "the expiry; touch the session to change it");
        }
        Optional<Long> expected = Versions.expected(ifMatch);
        if (expected.isEmpty()) {
            reply(c, 200, sessions.update(id, current -> data).orElseThrow(() -> absent(id)));
            return;
        }
        Optional<Session> s = sessions.compareAndSet(id, expected.get(), data);
        reply(c, 200, s.orElseThrow(() -> conflict(id, expected.get())));
    }

    /**
     * PATCH /api/sessions/{id} with a JSON object: a JSON merge patch of the top-level fields (null
     * removes a field), applied atomically with the expiry kept. With {@code If-Match}, only if the
     * version is still the one named.
     */
    void patch(Call c) {
        String id = c.param("id");
        Merge patch = Json.patch(Json.parseObject(c.body(), "merge patch"));
        String ifMatch = c.header(Headers.IF_MATCH);
        Optional<Long> expected = ifMatch == null ? Optional.empty() : Versions.expected(ifMatch);
        if (expected.isEmpty()) {
            reply(c, 200, sessions.merge(id, patch).orElseThrow(() -> ifMatch == null ? missing(id) : absent(id)));
            return;
        }
        Optional<Session> s = sessions.merge(id, patch, expected.get());
        if (s.isPresent()) {
            reply(c, 200, s.get());
            return;
        }
        Session current = sessions.get(id).orElseThrow(() -> absent(id));
        throw new ApiException(
                412,
                "session '" + id + "' is at version " + current.version() + ", not " + expected.get() + " (If-Match)");
    }

    /** PUT|POST .../{id}/touch[?ttl=s]: a new expiry of now + ttl; 404 when absent or expired. */
    void touch(Call c) {
        String id = c.param("id");
        Duration ttl = c.ttl(defaultTtl);
        if (!sessions.touch(id, ttl)) {
            throw missing(id);
        }
        c.data(200, g -> {
            g.writeStringField("sessionId", id);
            g.writeNumberField("ttlSeconds", ttl.toSeconds());
        });
    }

    /** DELETE .../{id}: 200 when a live session was deleted, 404 when there was none. */
    void delete(Call c) {
        String id = c.param("id");
        if (!sessions.delete(id)) {
            throw missing(id);
        }
        c.ok();
    }

    private static ApiException absent(String id) {
        return new ApiException(412, "session '" + id + "' does not exist or has expired (If-Match)");
    }

    private ApiException conflict(String id, long expected) {
        Optional<Session> now = sessions.get(id);
        return now.map(s -> new ApiException(
                        412, "session '" + id + "' is at version " + s.version() + ", not " + expected + " (If-Match)"))
                .orElseGet(() -> absent(id));
    }

    private static ApiException missing(String id) {
        return new ApiException(404, "session '" + id + "' does not exist or has expired");
    }

    private static void reply(Call c, int status, Session s) {
        c.header(Headers.ETAG, Versions.etag(s.version()));
        c.json(status, g -> envelope(g, s));
    }

    /** {"success": true, "data": {"sessionId", "sessionData", "version", "createdAt", "lastAccessedAt", "expiresAt"}}. */
    static void envelope(JsonGenerator g, Session s) throws IOException {
        Json.data(g, x -> {
            x.writeStringField("sessionId", s.id());
            x.writeFieldName("sessionData");
            Json.writeAttributes(x, s.attributes());
            x.writeNumberField("version", s.version());
            x.writeStringField("createdAt", s.createdAt().toString());
            x.writeStringField("lastAccessedAt", s.lastAccessedAt().toString());
            x.writeStringField("expiresAt", s.expiresAt().toString());
        });
    }

    static String encode(String segment) {
        byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return sb.toString();
    }
}
