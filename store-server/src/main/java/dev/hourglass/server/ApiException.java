package dev.hourglass.server;

import dev.hourglass.CorruptDataException;
import dev.hourglass.NoSuchStreamException;
import dev.hourglass.StoreCapacityException;
import dev.hourglass.StoreException;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.StreamClosedException;
import java.util.regex.Pattern;

/**
 * A request the server answers with {@code status} and {@code message} in the JSON error body. Every
 * error body is built from one of these, and only from messages of this project: a failure from the
 * store or a library becomes a status and a message of our own ({@link #of}), and a message that
 * still looks like internals (a class name, a stack frame, a connection string, a host and port) is
 * replaced by a plain one for its status ({@link #safe}).
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final String UNAVAILABLE = "store unavailable; retry later";
    static final String FULL = "the store is full; nothing was written";
    static final String CORRUPT = "stored data cannot be read";
    static final String STORE_FAILED = "the store failed to answer";
    static final String INTERNAL = "internal error";
    static final String STOPPING = "the server is shutting down";

    /** What internals look like in text: qualified class names, exception types, frames, `quoted` code, hosts. */
    private static final Pattern LEAK = Pattern.compile(String.join(
            "|",
            "(?:\\b[a-z][a-z0-9_]*\\.){2,}[A-Z][A-Za-z0-9_$]*",
            "\\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\\b",
            "\\bat [\\w$.]+\\([^)]*\\)",
            "`[^`]*`",
            "\\b[A-Za-z_$][\\w$]*\\.[a-z][\\w$]*\\(\\)",
            "://",
            "\\b\\d{1,3}(?:\\.\\d{1,3}){3}:\\d{1,5}\\b",
            "(?i)\\blocalhost:\\d{1,5}\\b",
            "\\]:\\d{1,5}\\b"));

    private static final Pattern USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s]*@");
    private static final Pattern SECRET =
            Pattern.compile("(?i)\\b(password|passwd|pwd|secret|token|auth|requirepass)([=:]\\s*)[^&;,\\s]*");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer\\s+)\\S+");

    private final int status;

    ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    /** The status and our own message for {@code e}, whatever it is. */
    static ApiException of(Throwable e, boolean stopping) {
        if (e instanceof ApiException a) {
            return a;
        }
        if (e instanceof IllegalArgumentException) {
            return new ApiException(400, e.getMessage());
        }
        if (e instanceof NoSuchStreamException) {
            return new ApiException(404, e.getMessage());
        }
        if (e instanceof StreamClosedException) {
            return new ApiException(409, e.getMessage());
        }
        if (e instanceof StoreUnavailableException) {
            return new ApiException(503, UNAVAILABLE);
        }
        if (e instanceof StoreCapacityException) {
            return new ApiException(507, FULL);
        }
        if (stopping && e instanceof IllegalStateException) {
            return new ApiException(503, STOPPING);
        }
        if (e instanceof CorruptDataException) {
            return new ApiException(500, CORRUPT);
        }
        if (e instanceof StoreException) {
            return new ApiException(500, STORE_FAILED);
        }
        return new ApiException(500, INTERNAL);
    }

    /** {@code message} when it shows no internals, else a plain message for {@code status}. */
    static String safe(int status, String message) {
        if (message != null && !message.isBlank() && !leaks(message)) {
            return message;
        }
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "authorization required";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 409 -> "conflict with the stream's state";
            case 412 -> "precondition failed";
            case 413 -> "request body too large";
            case 501 -> "not implemented";
            case 503 -> UNAVAILABLE;
            case 507 -> FULL;
            default -> status >= 500 ? INTERNAL : "request refused";
        };
    }

    /** Whether {@code text} holds something that looks like internals. */
    static boolean leaks(String text) {
        return LEAK.matcher(text).find();
    }

    /**
     * The messages of {@code e} and its causes, for a DEBUG log line: user names and passwords in
     * URIs, {@code password=} style settings and bearer tokens replaced by {@code ****}.
     */
    static String redactedCause(Throwable e) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (Throwable t = e; t != null && depth < 8; t = t.getCause(), depth++) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getMessage() == null ? "(no message)" : t.getMessage());
        }
        return redact(sb.toString());
    }

    static String redact(String text) {
        String s = USERINFO.matcher(text).replaceAll("$1****@");
        s = SECRET.matcher(s).replaceAll("$1$2****");
        return BEARER.matcher(s).replaceAll("$1****");
    }
}
