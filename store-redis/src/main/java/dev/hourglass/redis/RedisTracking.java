package dev.hourglass.redis;

import dev.hourglass.spi.SessionChangeFeed;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.ByteArrayCodec;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session changes from Redis's server-assisted client tracking: on a connection of its own to every
 * server that takes writes (the standalone or Sentinel-chosen master, or each Cluster master), RESP3
 * {@code CLIENT TRACKING ON BCAST PREFIX <prefix>s}, so the server pushes the name of every session
 * key written or expired, by any client, with no per-key state on the server.
 *
 * <p>Redis says nothing of a version, so every report is {@link SessionChangeFeed#UNKNOWN}. The feed is
 * lost (and the cache flushed) when a tracking connection closes, when a heartbeat (every
 * {@value #HEARTBEAT_MILLIS} ms: the connection's client id, unchanged, and the server's role, still a
 * master) fails or takes longer than the timeout, and when the set of Cluster masters changes; it is
 * live again once tracking is on for every server that takes writes. The connections never reconnect
 * by themselves: a new connection is only trusted after tracking was switched on for it.
 */
final class RedisTracking implements SessionChangeFeed {

    private static final Logger log = LoggerFactory.getLogger(RedisTracking.class);
    static final int HEARTBEAT_MILLIS = 100;

    private final Engine engine;
    private final byte[] sessionKeys;
    private final String describe;
    private final long timeoutMillis;

    RedisTracking(Engine engine, String prefix, String describe) {
        this.engine = engine;
        this.sessionKeys = (prefix + "s{").getBytes(StandardCharsets.UTF_8);
        this.describe = describe;
        this.timeoutMillis = engine.timeout().toMillis();
    }

    /**
     * The session id of a key under {@code sessionKeys} ({@code <prefix>s{}), or null when the key
     * is not a session key of this layout: {@code <prefix>s{tag}id}, the tag free of braces, the id
     * 1..256 bytes of well-formed UTF-8.
     */
    static String sessionId(byte[] sessionKeys, byte[] key) {
        if (key == null || key.length <= sessionKeys.length) {
            return null;
        }
        for (int i = 0; i < sessionKeys.length; i++) {
            if (key[i] != sessionKeys[i]) {
                return null;
            }
        }
        int close = -1;
        for (int i = sessionKeys.length; i < key.length; i++) {
            if (key[i] == '{') {
                return null;
            }
            if (key[i] == '}') {
                close = i;
                break;
            }
        }
        int n = key.length - close - 1;
        if (close <= sessionKeys.length || n < 1 || n > 256) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key, close + 1, n))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public Subscription subscribe(Listener listener) {
        Tracker t = new Tracker(listener);
        t.start();
        return t::close;
    }

    /** One subscription: the connections and the thread that keeps them tracking. */
    private final class Tracker implements PushListener {

        private final Listener listener;
        private final RedisClient client;
        private final Map<String, Node> nodes = new HashMap<>();
        private final Set<Object> current = ConcurrentHashMap.newKeySet();
        private final Thread thread;
        private volatile boolean closed;
        private volatile boolean broken = true;
        private boolean reportedLive;

        Tracker(Listener listener) {
            this.listener = listener;
            this.client = engine.trackingClient();
            this.thread = new Thread(this::run, "hourglass-redis-tracking");
            this.thread.setDaemon(true);
        }

        void start() {
            listener.lost();
            thread.start();
        }

        /** A tracking connection and the client id tracking was switched on for. */
        private record Node(StatefulRedisConnection<byte[], byte[]> connection, long clientId) {}

        private void run() {
            long backoff = HEARTBEAT_MILLIS;
            while (!closed) {
                try {
                    if (broken || !sameTargets()) {
                        reconnect();
                        backoff = HEARTBEAT_MILLIS;
                    } else {
                        heartbeat();
                    }
                } catch (RuntimeException e) {
                    if (closed) {
                        break;
                    }
                    markLost(e);
                    backoff = Math.min(backoff * 2, 1_000);
                }
                try {
                    Thread.sleep(broken ? backoff : HEARTBEAT_MILLIS);
                } catch (InterruptedException e) {
                    break;
                }
            }
        }

        private boolean sameTargets() {
            Set<String> now = new HashSet<>();
            for (RedisURI u : engine.writeTargets()) {
                now.add(key(u));
            }
            return now.equals(nodes.keySet());
        }

        private void reconnect() {
            markLost(null);
            closeNodes();
            broken = false;
            for (RedisURI target : engine.writeTargets()) {
                StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE, target);
                current.add(c);
                try {
                    c.addListener(this);
                    c.addListener(new RedisConnectionStateListener() {
                        @Override
                        public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> connection) {
                            connectionLost(c);
                        }

                        @Override
                        public void onRedisExceptionCaught(
                                io.lettuce.core.RedisChannelHandler<?, ?> connection, Throwable cause) {
                            connectionLost(c);
                        }

                        @Override
                        public void onRedisConnected(
                                io.lettuce.core.RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {}
                    });
                    c.setTimeout(engine.timeout());
                    long id = c.sync().clientId();
                    String done = c.sync()
                            .clientTracking(TrackingArgs.Builder.enabled()
                                    .bcast()
                                    .prefixes(
                                            StandardCharsets.UTF_8,
                                            new String(
                                                    sessionKeys, 0, sessionKeys.length - 1, StandardCharsets.UTF_8)));
                    if (!"OK".equals(done)) {
                        throw new IllegalStateException("tracking refused");
                    }
                    nodes.put(key(target), new Node(c, id));
                } catch (RuntimeException e) {
                    current.remove(c);
                    c.close();
                    throw e;
                }
            }
            if (broken) {
                throw new IllegalStateException("a tracking connection closed while it was set up");
            }
            heartbeat();
            listener.live();
            reportedLive = true;
            log.debug("near cache invalidations from {} are live on {} server(s)", describe, nodes.size());
        }

        private void heartbeat() {
            List<RedisFuture<?>> replies = new ArrayList<>();
            List<Node> order = new ArrayList<>(nodes.values());
            for (Node n : order) {
                if (!n.connection.isOpen()) {
                    throw new IllegalStateException("a tracking connection closed");
                }
                replies.add(n.connection.async().clientId());
                replies.add(n.connection.async().info("replication"));
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            for (int i = 0; i < order.size(); i++) {
                Object id = await(replies.get(2 * i), deadline);
                Object info = await(replies.get(2 * i + 1), deadline);
                if (!(id instanceof Long l) || l != order.get(i).clientId) {
                    throw new IllegalStateException("a tracking connection was replaced");
                }
                if (!(info instanceof String s) || !s.contains("role:master")) {
                    throw new IllegalStateException("a tracked server is no longer a master");
                }
            }
            if (broken) {
                throw new IllegalStateException("a tracking connection closed");
            }
        }

        private Object await(RedisFuture<?> f, long deadline) {
            try {
                return f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            } catch (Exception e) {
                throw new IllegalStateException("the heartbeat failed", e);
            }
        }

        private void connectionLost(Object connection) {
            if (current.contains(connection)) {
                broken = true;
                listener.lost();
            }
        }

        private void markLost(RuntimeException cause) {
            broken = true;
            listener.lost();
            if (reportedLive && !closed) {
                reportedLive = false;
                log.warn(
                        "near cache invalidations from {} stopped; sessions are read from Redis until they are back",
                        describe);
                if (cause != null) {
                    log.debug("near cache invalidations from {} stopped", describe, cause);
                }
            }
        }

        @Override
        public void onPushMessage(PushMessage message) {
            if (!"invalidate".equals(message.getType())) {
                return;
            }
            List<Object> content = message.getContent(b -> {
                byte[] bytes = new byte[b.remaining()];
                b.duplicate().get(bytes);
                return bytes;
            });
            Object keys = content.size() > 1 ? content.get(1) : null;
            if (!(keys instanceof List<?> list)) {
                listener.changedAll();
                return;
            }
            for (Object k : list) {
                String id = k instanceof byte[] b ? sessionId(sessionKeys, b) : null;
                if (id != null) {
                    listener.changed(id, UNKNOWN, UNKNOWN);
                }
            }
        }

        private void closeNodes() {
            current.clear();
            for (Node n : nodes.values()) {
                try {
                    n.connection.close();
                } catch (RuntimeException ignored) {
                    // closing a broken connection
                }
            }
            nodes.clear();
        }

        void close() {
            closed = true;
            thread.interrupt();
            try {
                thread.join(timeoutMillis + 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            listener.lost();
            closeNodes();
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    private static String key(RedisURI u) {
        return u.getHost() + ":" + u.getPort() + (u.getSentinelMasterId() == null ? "" : "#" + u.getSentinelMasterId());
    }
}
