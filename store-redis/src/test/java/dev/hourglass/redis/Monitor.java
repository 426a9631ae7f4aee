package dev.hourglass.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The server's own record of the commands clients send (MONITOR): commands run inside a script are
 * shown as coming from "lua" and are not counted, so each counted line is one command a client sent.
 */
final class Monitor implements AutoCloseable {

    private final Socket socket;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;
    private int marks;

    Monitor(String host, int port) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), 2_000);
            OutputStream out = socket.getOutputStream();
            out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String ok = in.readLine();
            if (!"+OK".equals(ok)) {
                throw new IllegalStateException("MONITOR answered " + ok);
            }
            reader = new Thread(
                    () -> {
                        try {
                            String line;
                            while ((line = in.readLine()) != null) {
                                lines.add(line);
                            }
                        } catch (IOException e) {
                            // closed
                        }
                    },
                    "monitor-reader");
            reader.setDaemon(true);
            reader.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The commands clients sent before the marker line, scripts' own commands left out. */
    /** One command as MONITOR shows it: the client's address and the command line. */
    record Sent(String client, String command) {}

    List<Sent> drainUntil(String markerArg) throws InterruptedException {
        List<Sent> sent = new ArrayList<>();
        while (true) {
            String line = lines.poll(10, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("marker " + markerArg + " not seen by MONITOR; got " + sent);
            }
            if (line.contains(markerArg)) {
                return sent;
            }
            int close = line.indexOf(']');
            int open = line.indexOf('[');
            if (open < 0 || close < 0) {
                continue;
            }
            String client = line.substring(open + 1, close);
            if (client.endsWith(" lua")) {
                continue;
            }
            sent.add(new Sent(client.substring(client.indexOf(' ') + 1), line.substring(close + 2)));
        }
    }

    String nextMarker() {
        return "hourglass-mark-" + (++marks);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
