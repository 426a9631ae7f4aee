package dev.hourglass;

import dev.hourglass.spi.Text;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a backend's listing cursors into opaque tokens and opens them again, so that only cursors
 * the store issued ever reach a backend.
 *
 * <p>A token is the URL-safe base64 (no padding) of a version byte (1), the backend cursor in
 * UTF-8 (at most {@value #MAX_CURSOR_BYTES} bytes) and the first {@value #TAG_BYTES} bytes of an
 * HMAC-SHA256 over the purpose (backend name and operation), the version and the cursor. Tokens
 * are at most {@value #MAX_TOKEN_CHARS} characters; anything longer is refused before it is
 * decoded.
 *
 * <p>What the check guarantees: a string that is not a token issued under the same key for the
 * same backend and operation is refused, whatever its bytes, before the backend sees it. The key is
 * the store option {@code cursorKey} when given (every node and restart of one deployment must use
 * the same one), else a key built into the project. With the built-in key the check stops garbage
 * and guessed cursors, but anyone who reads the project's source can forge a token; with a secret
 * {@code cursorKey} forging one takes the key. Tokens do not expire, and a forged or replayed token
 * only names a place in a listing: backends still validate every cursor they decode.
 */
final class Cursors {

    /** The longest backend cursor, in bytes of UTF-8. */
    static final int MAX_CURSOR_BYTES = 1_024;
    /** The bytes of the HMAC kept in a token. */
    static final int TAG_BYTES = 16;
    /** The longest token: base64 of the version byte, the longest cursor and the tag. */
    static final int MAX_TOKEN_CHARS = (1 + MAX_CURSOR_BYTES + TAG_BYTES + 2) / 3 * 4;
    /** The shortest and longest {@code cursorKey}, in bytes of UTF-8. */
    static final int MIN_KEY_BYTES = 16;

    static final int MAX_KEY_BYTES = 1_024;

    private static final byte VERSION = 1;
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] BUILT_IN_KEY =
            "Hourglass listing cursors, built-in key, version 1".getBytes(StandardCharsets.UTF_8);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    private final byte[] purpose;

    private Cursors(byte[] key, String purpose) {
        this.key = new SecretKeySpec(key, ALGORITHM);
        this.purpose = (purpose + '\0').getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Cursors of {@code operation} on the backend {@code backend}, keyed by {@code cursorKey}, or by
     * the built-in key when it is null.
     *
     * @throws IllegalArgumentException when {@code cursorKey} is not 16..1024 bytes of exact text;
     *                                  the message never shows the key
     */
    static Cursors of(String cursorKey, String backend, String operation) {
        if (cursorKey == null) {
            return new Cursors(BUILT_IN_KEY, backend + '/' + operation);
        }
        if (Checks.unpairedSurrogate(cursorKey) >= 0) {
            throw new IllegalArgumentException("option 'cursorKey' must be text without unpaired surrogates");
        }
        byte[] k = cursorKey.getBytes(StandardCharsets.UTF_8);
        if (k.length < MIN_KEY_BYTES || k.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("option 'cursorKey' must be " + MIN_KEY_BYTES + ".." + MAX_KEY_BYTES
                    + " bytes of UTF-8, was " + k.length + " bytes");
        }
        return new Cursors(k, backend + '/' + operation);
    }

    /**
     * The token for the backend cursor {@code cursor}.
     *
     * @throws StoreException when the backend gave a cursor that is not exact text or is too long
     */
    String seal(String cursor) {
        if (Checks.unpairedSurrogate(cursor) >= 0) {
            throw new StoreException("the backend gave a listing cursor that is not exact text");
        }
        byte[] c = cursor.getBytes(StandardCharsets.UTF_8);
        if (c.length > MAX_CURSOR_BYTES) {
            throw new StoreException(
                    "the backend gave a listing cursor of " + c.length + " bytes, above " + MAX_CURSOR_BYTES);
        }
        byte[] token = new byte[1 + c.length + TAG_BYTES];
        token[0] = VERSION;
        System.arraycopy(c, 0, token, 1, c.length);
        System.arraycopy(tag(token, c.length + 1), 0, token, 1 + c.length, TAG_BYTES);
        return ENCODER.encodeToString(token);
    }

    /**
     * The backend cursor sealed in {@code token}.
     *
     * @throws IllegalArgumentException naming {@code cursor} when the token is not one this store
     *                                  issued for this listing
     */
    String open(String token) {
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw refused(token);
        }
        for (int i = 0, n = token.length(); i < n; i++) {
            char ch = token.charAt(i);
            if (!(ch >= 'A' && ch <= 'Z'
                    || ch >= 'a' && ch <= 'z'
                    || ch >= '0' && ch <= '9'
                    || ch == '-'
                    || ch == '_')) {
                throw refused(token);
            }
        }
        byte[] raw;
        try {
            raw = DECODER.decode(token);
        } catch (IllegalArgumentException e) {
            throw refused(token);
        }
        if (raw.length < 1 + TAG_BYTES
                || raw[0] != VERSION
                || !ENCODER.encodeToString(raw).equals(token)) {
            throw refused(token);
        }
        int body = raw.length - TAG_BYTES;
        byte[] expected = tag(raw, body);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, body, raw.length))
                || Text.malformedUtf8(raw, 1, body) >= 0) {
            throw refused(token);
        }
        return new String(raw, 1, body - 1, StandardCharsets.UTF_8);
    }

    private byte[] tag(byte[] b, int length) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(purpose);
            mac.update(b, 0, length);
            return Arrays.copyOf(mac.doFinal(), TAG_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no " + ALGORITHM, e);
        }
    }

    private static IllegalArgumentException refused(String token) {
        return new IllegalArgumentException("cursor is not one this store issued for this listing: "
                + Checks.quote(token) + "; pass the next cursor of a page as it was returned, or null to start");
    }
}
