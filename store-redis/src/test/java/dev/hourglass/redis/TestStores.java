package dev.hourglass.redis;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import java.util.concurrent.atomic.AtomicInteger;

/** Opens stores under a fresh key prefix, so each test starts empty on a shared server. */
final class TestStores {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private TestStores() {}

    static String freshPrefix() {
        return "t" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + ":";
    }

    static Store open(String uri, StoreOptions options) {
        return Hourglass.open(
                uri, options.toBuilder().property("prefix", freshPrefix()).build());
    }
}
