package dev.hourglass.chronicle;

/**
 * Where a listing of one map stopped: the segment and the last id returned from it, written
 * {@code segment:id}. A cursor comes back from outside, so it is parsed strictly and checked against
 * the map's real segment count before the segment reaches Chronicle's memory.
 */
record ListingCursor(int segment, String after) {

    /** The most characters of a refused cursor quoted in the error. */
    private static final int QUOTED = 64;

    String encode() {
        return segment + ":" + after;
    }

    /**
     * Parses a cursor this store returned for a map of {@code segments} segments.
     *
     * @throws IllegalArgumentException naming the cursor when it is not one this store returns
     */
    static ListingCursor parse(String cursor, int segments) {
        int colon = cursor.indexOf(':');
        if (colon <= 0 || colon > 10) {
            throw refused(cursor, "it does not start with a segment number and ':'");
        }
        long segment = 0;
        for (int i = 0; i < colon; i++) {
            char c = cursor.charAt(i);
            if (c < '0' || c > '9' || (i == 0 && c == '0' && colon > 1)) {
                throw refused(cursor, "its segment is not a plain decimal number");
            }
            segment = segment * 10 + (c - '0');
        }
        if (segment >= segments) {
            throw refused(cursor, "its segment is not in 0.." + (segments - 1));
        }
        String after = cursor.substring(colon + 1);
        int bytes = 0;
        for (int i = 0, n = after.length(); i < n; i++) {
            char c = after.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                throw refused(cursor, "its id has a control character");
            }
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 == n || !Character.isLowSurrogate(after.charAt(i + 1))) {
                    throw refused(cursor, "its id has an unpaired surrogate");
                }
                i++;
                bytes += 4;
            } else {
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
            if (bytes > Records.MAX_ID_BYTES) {
                throw refused(cursor, "its id is longer than any id");
            }
        }
        return new ListingCursor((int) segment, after);
    }

    private static IllegalArgumentException refused(String cursor, String why) {
        return new IllegalArgumentException("cursor '" + quote(cursor) + "' is not one this store returned: " + why);
    }

    /** The cursor as it may appear in a message: short, with controls and surrogates escaped. */
    private static String quote(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < QUOTED; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || Character.isSurrogate(c) || c == '\'' || c == '\\') {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= QUOTED) {
            sb.setLength(QUOTED - 3);
            sb.append("...");
        }
        return sb.toString();
    }
}
