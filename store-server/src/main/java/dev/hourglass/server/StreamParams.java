package dev.hourglass.server;

/**
 * The stream query parameters and headers beyond the reader name, parsed at the boundary: a lease in
 * milliseconds, a sequence to acknowledge, and where an event stream resumes ({@code Last-Event-ID}
 * or {@code from}). Each refuses what it cannot take with a 400 that names the parameter and shows
 * the value, quoted and cut short.
 */
final class StreamParams {

    /** The longest lease a take may ask for, in milliseconds (one hour, as the store allows). */
    static final long MAX_LEASE_MS = 3_600_000;

    /** The longest value echoed in an error. */
    private static final int SHOWN = 40;

    private StreamParams() {}

    /** The {@code lease} parameter: 0 when absent (an at-most-once next), else 1 ms to one hour. */
    static long lease(String value) {
        if (value == null) {
            return 0;
        }
        long n = digits("lease", value);
        if (n < 1 || n > MAX_LEASE_MS) {
            throw bad("lease", value, "a whole number of milliseconds from 1 to " + MAX_LEASE_MS);
        }
        return n;
    }

    /** The {@code ack} parameter: 0 when absent, else the sequence (1 or more) to acknowledge first. */
    static long ack(String value) {
        if (value == null) {
            return 0;
        }
        long n = digits("ack", value);
        if (n < 1) {
            throw bad("ack", value, "a message sequence number, 1 or more");
        }
        return n;
    }

    /**
     * Where an event stream resumes: after the {@code Last-Event-ID} header's sequence when the client
     * sends one (a reconnecting browser does), else after the {@code from} parameter's; -1 when neither
     * is there (the stream is read through the reader's marker). {@code from=0} starts at the first message.
     */
    static long resumeAfter(String lastEventId, String from) {
        if (lastEventId != null) {
            return sequence("Last-Event-ID", lastEventId);
        }
        if (from != null) {
            return sequence("from", from);
        }
        return -1;
    }

    private static long sequence(String name, String value) {
        return digits(name, value);
    }

    /** Plain decimal digits (1 to 18 of them, so the value fits a long with room), else a 400. */
    private static long digits(String name, String value) {
        String v = value.trim();
        if (v.isEmpty() || v.length() > 18) {
            throw bad(name, value, "a whole number from 0 to 999999999999999999");
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch < '0' || ch > '9') {
                throw bad(name, value, "a whole number from 0 to 999999999999999999");
            }
            n = n * 10 + (ch - '0');
        }
        return n;
    }

    private static ApiException bad(String name, String value, String what) {
        return new ApiException(400, name + " must be " + what + ", was " + shown(value));
    }

    /** The value quoted, cut short, with control characters shown as '?'. */
    static String shown(String value) {
        StringBuilder b = new StringBuilder("'");
        int n = Math.min(value.length(), SHOWN);
        for (int i = 0; i < n; i++) {
            char ch = value.charAt(i);
            b.append(Character.isISOControl(ch) || Character.isSurrogate(ch) ? '?' : ch);
        }
        if (value.length() > SHOWN) {
            b.append("...");
        }
        return b.append('\'').toString();
    }
}
