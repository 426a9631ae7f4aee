package dev.hourglass.server;

import dev.hourglass.StoreUnavailableException;
import dev.hourglass.memory.MemoryProvider;
import dev.hourglass.spi.Backend;
import dev.hourglass.spi.SessionBackend;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.spi.StoreProvider;
import dev.hourglass.spi.StreamBackend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * {@code flaky:} the memory store whose engine calls fail as unavailable while {@link #down} is set,
 * or throw {@link #failure} while that is set (to show what the server makes of any failure).
 */
public final class FlakyProvider implements StoreProvider {

    static volatile boolean down;
    static volatile java.util.function.Supplier<RuntimeException> failure;

    @Override
    public Set<String> schemes() {
        return Set.of("flaky");
    }

    @Override
    public Backend open(StoreConfig config) {
        Backend memory = new MemoryProvider().open(config.withUri("memory:", "memory"));
        SessionBackend sessions = failing(SessionBackend.class, memory.sessions());
        StreamBackend streams = failing(StreamBackend.class, memory.streams());
        return (Backend) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Backend.class}, (p, m, args) -> {
                    switch (m.getName()) {
                        case "sessions":
                            return sessions;
                        case "streams":
                            return streams;
                        case "ping":
                            return !down;
                        default:
                            return invoke(memory, m, args);
                    }
                });
    }

    private static <T> T failing(Class<T> type, T target) {
        return type.cast(Proxy.newProxyInstance(
                FlakyProvider.class.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
                    if (m.getDeclaringClass() != Object.class) {
                        if (down) {
                            throw new StoreUnavailableException("flaky store is down (test)");
                        }
                        java.util.function.Supplier<RuntimeException> f = failure;
                        if (f != null) {
                            throw f.get();
                        }
                    }
                    return invoke(target, m, args);
                }));
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
