package dev.hourglass.nearcache;

import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.CrossProcessContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** Two JVMs, each with its own near cache, on one store. */
class PostgresNearCacheCrossProcessTest extends CrossProcessContract {

    private String uri;

    @Override
    protected String storeUri() {
        if (uri == null) {
            uri = Engines.postgresUri(Engines.freshPrefix());
        }
        return uri;
    }

    @Override
    protected Store openStore() {
        return NearCacheStores.open(
                storeUri(),
                StoreOptions.builder()
                        .sweeperAutoStart(false)
                        .timeout(Duration.ofSeconds(10))
                        .build());
    }

    @AfterEach
    void forgetUri() {
        uri = null;
    }
}
