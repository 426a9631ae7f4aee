package dev.hourglass.redis;

import dev.hourglass.spi.StreamBackend;
import dev.hourglass.spi.StreamWatchers;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wake-ups of waiting stream reads by Redis pub/sub: one connection of its own per store (opened with
 * the first watch), shared by every waiting read, subscribed to the wake-up channel of each stream
 * that has a waiting read. Appends, closes, acknowledgements and deletes publish on that channel in
 * the script that makes the change; in a Cluster, a publish on any node reaches the subscription on
 * any other. A subscription's confirmation wakes its stream's reads once, so a change made between a
 * read and the subscription taking effect is not missed; so does the connection coming back after a
 * loss, and lettuce subscribes again to every channel.
 */
final class StreamWakeups implements StreamWatchers.Listener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamWakeups.class);

    private final Engine engine;
    private final Keys keys;
    private final StreamWatchers watchers = new StreamWatchers(this);
    private final Map<ByteBuffer, String> byChannel = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private StatefulRedisPubSubConnection<byte[], byte[]> connection;
    private boolean closed;

    StreamWakeups(Engine engine, Keys keys) {
        this.engine = engine;
        this.keys = keys;
    }

    StreamBackend.Watch watch(String id, Runnable onChange) {
        return watchers.watch(id, onChange);
    }

    /** The stream's wake-up channel (its old wake-up key's name). */
    byte[] channel(String id) {
        byte[] raw = Codec.utf8(id);
        return keys.wake(keys.bucket(raw), raw);
    }

    private StatefulRedisPubSubConnection<byte[], byte[]> connection() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the store is closed");
            }
            if (connection == null) {
                StatefulRedisPubSubConnection<byte[], byte[]> c = engine.pubSub();
                c.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(byte[] channel, byte[] message) {
                        String id = byChannel.get(ByteBuffer.wrap(channel));
                        if (id != null) {
                            watchers.signal(id);
                        }
                    }

                    @Override
                    public void subscribed(byte[] channel, long count) {
                        String id = byChannel.get(ByteBuffer.wrap(channel));
                        if (id != null) {
                            watchers.signal(id);
                        }
                    }
                });
                connection = c;
            }
            return connection;
        }
    }

    @Override
    public synchronized void first(String id) {
        byte[] channel = channel(id);
        if (!watchers.isWatched(id) || byChannel.containsKey(ByteBuffer.wrap(channel))) {
            return;
        }
        StatefulRedisPubSubConnection<byte[], byte[]> c = connection();
        byChannel.put(ByteBuffer.wrap(channel), id);
        c.async().subscribe(channel).whenComplete((ok, e) -> {
            if (e != null) {
                log.debug("subscribing to the wake-ups of stream '{}' failed: {}", id, e.getMessage());
                // the read waits for its timeout or a change made through this store
                watchers.signal(id);
            }
        });
    }

    @Override
    public synchronized void last(String id) {
        byte[] channel = channel(id);
        if (watchers.isWatched(id) || byChannel.remove(ByteBuffer.wrap(channel)) == null) {
            return;
        }
        StatefulRedisPubSubConnection<byte[], byte[]> c;
        synchronized (lock) {
            c = connection;
        }
        if (c != null) {
            c.async().unsubscribe(channel);
        }
    }

    /** Wakes this store's own waiting reads at once, without waiting for the published message. */
    void signal(String id) {
        watchers.signal(id);
    }

    @Override
    public void close() {
        StatefulRedisPubSubConnection<byte[], byte[]> c;
        synchronized (lock) {
            closed = true;
            c = connection;
            connection = null;
        }
        if (c != null) {
            c.closeAsync();
        }
        watchers.signalAll();
    }
}
