package dev.hourglass.jdbc;

import dev.hourglass.Attributes;
import dev.hourglass.CorruptDataException;
import dev.hourglass.StreamStatus;
import dev.hourglass.spi.Text;

/**
 * Decodes what the tables hold (attribute and metadata blobs, ids and reader names, status codes,
 * payloads) into the value or {@link CorruptDataException}, never another exception, and checks
 * listing cursors. A cursor is the last id of the page before: it is always bound as a statement
 * parameter, never part of SQL text, and a cursor that could not be an id is refused before the
 * database is asked.
 */
final class JdbcCodec {

    /** Ids are at most this many bytes of UTF-8 (the columns are as wide). */
    static final int MAX_ID_BYTES = 256;

    private JdbcCodec() {}

    /** A stored attribute or metadata blob, in the binary form of {@link Attributes#toBytes()}. */
    static Attributes attributes(byte[] blob, String whose) {
        if (blob == null) {
            throw new CorruptDataException("stored attributes of " + whose + " are missing");
        }
        try {
            return Attributes.fromBytes(blob);
        } catch (CorruptDataException e) {
            throw new CorruptDataException("stored attributes of " + whose + " do not decode: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new CorruptDataException("stored attributes of " + whose + " do not decode", e);
        }
    }

    /** A stored id or reader name, as UTF-8 bytes (MySQL/MariaDB keep them in VARBINARY). */
    static String id(byte[] raw, String what) {
        if (raw == null) {
            throw new CorruptDataException("stored " + what + " is missing");
        }
        String s = Text.decodeUtf8(raw);
        if (s == null) {
            throw new CorruptDataException("stored " + what + " is not UTF-8: " + show(raw));
        }
        return id(s, what);
    }

    /** A stored id or reader name as text (PostgreSQL keeps them in TEXT). */
    static String id(String s, String what) {
        if (s == null) {
            throw new CorruptDataException("stored " + what + " is missing");
        }
        String problem = idProblem(s);
        if (problem != null) {
            throw new CorruptDataException("stored " + what + " " + problem + ": " + abbreviate(s));
        }
        return s;
    }

    /**
     * A cursor from a caller: one this store returned is an id, so anything that could not be an
     * id (empty, longer than 256 bytes of UTF-8, control characters, unpaired surrogates) is
     * refused.
     *
     * @throws IllegalArgumentException naming {@code cursor} and its value when it is not one
     */
    static String cursor(String cursor) {
        String problem = idProblem(cursor);
        if (problem != null) {
            throw new IllegalArgumentException(
                    "cursor is not one this store returned: it " + problem + ": " + abbreviate(cursor));
        }
        return cursor;
    }

    /** Why {@code s} cannot be an id, or null when it can. */
    private static String idProblem(String s) {
        if (s.isEmpty()) {
            return "is empty";
        }
        int bytes = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                return "has control character U+" + String.format("%04X", (int) c) + " at index " + i;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 4;
                    i++;
                    continue;
                }
                return "has an unpaired surrogate at index " + i;
            }
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            if (bytes > MAX_ID_BYTES) {
                return "is longer than " + MAX_ID_BYTES + " bytes of UTF-8";
            }
        }
        return bytes > MAX_ID_BYTES ? "is longer than " + MAX_ID_BYTES + " bytes of UTF-8" : null;
    }

    /** A stored stream status code. */
    static StreamStatus status(int code, String id) {
        if (code < 0 || code >= StreamStatus.values().length) {
            throw new CorruptDataException("stored status of stream '" + id + "' is the unknown code " + code);
        }
        return StreamStatus.ofCode(code);
    }

    /** A stored message payload. */
    static byte[] payload(byte[] payload, long sequence, String id) {
        if (payload == null) {
            throw new CorruptDataException("stored message " + sequence + " of stream '" + id + "' has no payload");
        }
        return payload;
    }

    /** At most 64 characters of {@code s} for a message, non-printable ones escaped. */
    static String abbreviate(String s) {
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != 0x7F && !Character.isSurrogate(c) && !(c >= 0x80 && c <= 0x9F)) {
                b.append(c);
            } else {
                b.append(String.format("\\u%04X", (int) c));
            }
        }
        return b.append(s.length() > 64 ? "'..." : "'").toString();
    }

    private static String show(byte[] b) {
        StringBuilder s = new StringBuilder("'");
        for (int i = 0; i < b.length && i < 40; i++) {
            int c = b[i] & 0xFF;
            s.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02X", c));
        }
        return s.append(b.length > 40 ? "'..." : "'").toString();
    }
}
