package dev.hourglass.redis;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import io.lettuce.core.resource.ClientResources;

/**
 * Opens a Redis store on lettuce {@link ClientResources} the application already has (the event
 * loops, timers and DNS resolver its own {@code RedisClient} or Spring's connection factory runs
 * on), instead of resources of the store's own. The store opens its own connections on them, with
 * its own client options, so that a dead server still fails its calls fast as unavailable and a
 * store's scripts never share a connection with the application's transactions. Closing the store
 * closes its connections and leaves the resources running: the application shuts them down itself,
 * after the store.
 *
 * <pre>{@code
 * Store store = RedisStores.open(redisClient.getResources(), "redis://cache:6379/0?prefix=app:", options);
 * }</pre>
 *
 * <p>The URI and its options are those of {@link RedisStoreProvider}. One thing follows the
 * resources rather than the store: the delay between reconnect attempts (the store's own resources
 * retry from 10 ms up to 1 s; lettuce's default backs off up to 30 s), so after an outage the store
 * is used again when the application's clients are.
 */
public final class RedisStores {

    private RedisStores() {}

    /**
     * A store at {@code uri} whose connections run on {@code resources}; closing the store leaves
     * them running.
     *
     * @param resources the application's lettuce client resources, e.g. {@code client.getResources()}
     * @param uri a {@code redis://}, {@code rediss://}, {@code redis-sentinel://} or
     *     {@code redis-cluster://} store URI
     * @param options the store's options
     * @return the open store
     * @throws IllegalArgumentException when an argument is null, when {@code uri} is not a Redis store
     *     URI, or when an option is not valid; the message never shows a password
     * @throws IllegalStateException when {@code resources} have been shut down
     * @throws StoreUnavailableException when Redis does not answer within the store's timeout
     */
    public static Store open(ClientResources resources, String uri, StoreOptions options) {
        if (resources == null) {
            throw new IllegalArgumentException("resources must not be null");
        }
        if (resources.eventExecutorGroup().isShuttingDown()) {
            throw new IllegalStateException("resources have been shut down; give the store running client resources");
        }
        return Hourglass.open(new RedisStoreProvider(resources), uri, options);
    }
}
