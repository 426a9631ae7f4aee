package dev.hourglass.nearcache;

import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StoreContract;

/** The whole contract with the near cache on. */
class PostgresNearCacheContractTest extends StoreContract {

    @Override
    protected Store openStore(StoreOptions options) {
        return NearCacheStores.open(Engines.postgresUri(Engines.freshPrefix()), options);
    }
}
