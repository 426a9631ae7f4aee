package dev.hourglass.server;

import java.util.Optional;

/** A session's version as a strong ETag ({@code "42"}) and the If-Match / If-None-Match headers naming it. */
final class Versions {

    private Versions() {}

    static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** The version an If-Match header names, or empty for {@code *}; a 400 for anything else. */
    static Optional<Long> expected(String ifMatch) {
        String v = ifMatch.trim();
        if (v.equals("*")) {
            return Optional.empty();
        }
        Long version = parse(v);
        if (version == null) {
            throw new ApiException(
                    400,
                    "If-Match must be * or one ETag as returned by the server, like \"42\", was '" + ifMatch + "'");
        }
        return Optional.of(version);
    }

    /** Whether an If-None-Match header (a list of ETags, weak or strong, or *) names {@code version}. */
    static boolean matches(String header, long version) {
        for (String part : header.split(",")) {
            String p = part.trim();
            if (p.equals("*")) {
                return true;
            }
            if (p.startsWith("W/")) {
                p = p.substring(2);
            }
            Long v = parse(p);
            if (v != null && v == version) {
                return true;
            }
        }
        return false;
    }

    private static Long parse(String etag) {
        if (etag.length() < 3 || etag.charAt(0) != '"' || etag.charAt(etag.length() - 1) != '"') {
            return null;
        }
        try {
            return Long.parseLong(etag.substring(1, etag.length() - 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
