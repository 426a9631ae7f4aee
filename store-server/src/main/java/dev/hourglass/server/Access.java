package dev.hourglass.server;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The optional shared secret: when configured, a request must carry {@code Authorization: Bearer
 * <token>}. The token is compared in constant time, as SHA-256 digests of fixed length compared with
 * {@link MessageDigest#isEqual}, so neither its content nor its length shows in the time to answer.
 */
final class Access {

    private static final String SCHEME = "bearer ";

    /** The digest of the secret, or {@code null} when the server is open to anyone who reaches it. */
    private final byte[] secretDigest;

    private Access(byte[] secretDigest) {
        this.secretDigest = secretDigest;
    }

    /** Access for {@code secret}: open when it is {@code null}. */
    static Access of(String secret) {
        return new Access(secret == null ? null : sha256(secret.getBytes(StandardCharsets.UTF_8)));
    }

    boolean required() {
        return secretDigest != null;
    }

    /** Returns when the request may pass; a 401 with {@code WWW-Authenticate: Bearer} when it may not. */
    void check(HttpServerExchange exchange) {
        if (secretDigest == null) {
            return;
        }
        HeaderValues values = exchange.getRequestHeaders().get(Headers.AUTHORIZATION);
        if (values == null || values.isEmpty()) {
            throw refuse(
                    exchange,
                    "Bearer realm=\"hourglass\"",
                    "authorization required: send the access token as 'Authorization: Bearer <token>'");
        }
        String value = values.size() == 1 ? values.getFirst() : "";
        byte[] given = value.length() > SCHEME.length() && value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                ? value.substring(SCHEME.length()).trim().getBytes(StandardCharsets.ISO_8859_1)
                : new byte[0];
        if (!MessageDigest.isEqual(sha256(given), secretDigest)) {
            throw refuse(
                    exchange,
                    "Bearer realm=\"hourglass\", error=\"invalid_token\"",
                    "the access token is not valid: send it as 'Authorization: Bearer <token>'");
        }
    }

    private static ApiException refuse(HttpServerExchange exchange, String challenge, String message) {
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, challenge);
        return new ApiException(401, message);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
