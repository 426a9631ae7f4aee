package dev.hourglass.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A minimal RESP2 client for assertions in tests: one connection per command, no client library.
 *
 * <p>Replies map to Java as follows: simple and bulk strings to {@link String} (bulk strings
 * decoded as UTF-8), integers to {@link Long}, arrays to an unmodifiable {@link List} of these,
 * null bulk strings and null arrays to {@code null}; an error reply throws {@link ErrorReply}.
 */
public final class Resp {

    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private Resp() {}

    /**
     * Sends one command to the Redis server at {@code host:port} and returns its reply.
     *
     * @param args the command and its arguments, e.g. {@code "CONFIG", "RESETSTAT"}
     * @return a {@link String}, {@link Long}, {@link List} or {@code null}, see the class comment
     * @throws ErrorReply if the server answers with an error
     * @throws UncheckedIOException if the server cannot be reached or closes the connection
     */
    public static Object call(String host, int port, String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("no command given");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(encode(args));
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Redis command " + args[0] + " to " + host + ":" + port + " failed: " + e, e);
        }
    }

    private static byte[] encode(String[] args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeLine(out, "*" + args.length);
        for (String arg : args) {
            byte[] bytes = arg.getBytes(UTF_8);
            writeLine(out, "$" + bytes.length);
            out.writeBytes(bytes);
            writeLine(out, "");
        }
        return out.toByteArray();
    }

    private static void writeLine(ByteArrayOutputStream out, String line) {
        out.writeBytes(line.getBytes(UTF_8));
        out.write('\r');
        out.write('\n');
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        if (type == -1) {
            throw new EOFException("connection closed before a reply");
        }
        String line = readLine(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new ErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$':
                return readBulk(in, Integer.parseInt(line));
            case '*':
                return readArray(in, Integer.parseInt(line));
            default:
                throw new IOException("unsupported RESP reply type '" + (char) type + "': " + line);
        }
    }

    private static String readBulk(InputStream in, int length) throws IOException {
        if (length < 0) {
            return null;
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length || !readLine(in).isEmpty()) {
            throw new EOFException("truncated bulk string of " + length + " bytes");
        }
        return new String(bytes, UTF_8);
    }

    private static List<Object> readArray(InputStream in, int length) throws IOException {
        if (length < 0) {
            return null;
        }
        List<Object> elements = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            elements.add(read(in));
        }
        return Collections.unmodifiableList(elements);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\r'; b = in.read()) {
            if (b == -1) {
                throw new EOFException("connection closed in the middle of a reply");
            }
            line.write(b);
        }
        if (in.read() != '\n') {
            throw new IOException("malformed reply: CR not followed by LF");
        }
        return line.toString(UTF_8);
    }

    /** An error reply, such as {@code ERR unknown command} or {@code MOVED 3999 127.0.0.1:7002}. */
    public static final class ErrorReply extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ErrorReply(String reply) {
            super(reply);
        }
    }
}
