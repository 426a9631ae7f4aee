package dev.hourglass.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Server-Sent Events reader over a plain socket: sends the request, reads the status line and
 * headers, undoes the chunked transfer coding and hands out the events and comments as they come.
 * It runs on the thread that calls {@link #read}; {@link #lastByteNanos()} and the counters may be
 * read from any thread to tell a stalled connection from a slow one.
 */
final class SseClient implements AutoCloseable {

    /** One event: its {@code id}, {@code event} name and {@code data} lines joined by newlines. */
    record Event(String id, String name, String data) {}

    /** What the reader does with each event; returns false to stop reading. */
    @FunctionalInterface
    interface Handler {
        boolean event(Event e) throws IOException;
    }

    private final Socket socket;
    private final InputStream in;
    private final int status;
    private final List<String> headers = new ArrayList<>();
    private boolean chunked;
    private long chunkLeft;
    private boolean eof;
    private volatile long lastByteNanos = System.nanoTime();
    private volatile int comments;
    private final List<Long> keepAlives = new CopyOnWriteArrayList<>();
    private volatile int events;

    /** Connects to {@code port} on loopback and sends {@code GET path}; reads the response head. */
    SseClient(int port, String path) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(60_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        in = socket.getInputStream();
        String statusLine = headLine();
        if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        status = Integer.parseInt(statusLine.substring(9, 12));
        String line;
        while ((line = headLine()) != null && !line.isEmpty()) {
            headers.add(line);
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
    }

    int status() {
        return status;
    }

    /** The first value of the response header {@code name}, or null. */
    String header(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        for (String h : headers) {
            if (h.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                return h.substring(prefix.length()).trim();
            }
        }
        return null;
    }

    long lastByteNanos() {
        return lastByteNanos;
    }

    int comments() {
        return comments;
    }

    /** When each keep-alive comment (a bare {@code :} line) arrived, by {@link System#nanoTime()}. */
    List<Long> keepAlives() {
        return List.copyOf(keepAlives);
    }

    int events() {
        return events;
    }

    /** The rest of the body as text (for an error answer). */
    String body() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = bodyByte()) >= 0) {
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /**
     * Reads events until {@code handler} returns false or the response ends; returns false when the
     * response ended (the server closed it) before the handler stopped.
     */
    boolean read(Handler handler) throws IOException {
        String id = null;
        String name = null;
        StringBuilder data = null;
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int c = bodyByte();
            if (c < 0) {
                return false;
            }
            if (c != '\n') {
                line.write(c);
                continue;
            }
            String l = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (l.isEmpty()) {
                if (name != null || data != null || id != null) {
                    events++;
                    Event e = new Event(id, name == null ? "message" : name, data == null ? "" : data.toString());
                    id = null;
                    name = null;
                    data = null;
                    if (!handler.event(e)) {
                        return true;
                    }
                }
            } else if (l.startsWith(":")) {
                comments++;
                if (l.equals(":")) {
                    keepAlives.add(System.nanoTime());
                }
            } else if (l.startsWith("id: ")) {
                id = l.substring(4);
            } else if (l.startsWith("event: ")) {
                name = l.substring(7);
            } else if (l.startsWith("data: ")) {
                if (data == null) {
                    data = new StringBuilder(l.substring(6));
                } else {
                    data.append('\n').append(l.substring(6));
                }
            } else {
                throw new IOException("not an SSE line: '" + l + "'");
            }
        }
    }

    private int bodyByte() throws IOException {
        if (eof) {
            return -1;
        }
        if (chunked && chunkLeft == 0) {
            String size = headLine();
            if (size != null && size.isEmpty()) {
                size = headLine();
            }
            if (size == null) {
                eof = true;
                return -1;
            }
            int semi = size.indexOf(';');
            chunkLeft = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            if (chunkLeft == 0) {
                eof = true;
                return -1;
            }
        }
        int c = rawByte();
        if (c < 0) {
            eof = true;
            return -1;
        }
        if (chunked) {
            chunkLeft--;
        }
        return c;
    }

    private String headLine() throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = rawByte();
            if (c < 0) {
                return b.length() == 0 ? null : b.toString();
            }
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            b.append((char) c);
        }
    }

    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;

    private int rawByte() throws IOException {
        if (pos == limit) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                throw new IOException("no bytes for " + socket.getSoTimeout() + " ms", e);
            }
            if (n < 0) {
                return -1;
            }
            pos = 0;
            limit = n;
            lastByteNanos = System.nanoTime();
        }
        return buffer[pos++] & 0xff;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
