package dev.hourglass.nearcache;

import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StoreContract;

/** The whole contract with the near cache on. */
class ClusterNearCacheContractTest extends StoreContract {

    @Override
    protected Store openStore(StoreOptions options) {
        return NearCacheStores.open(Engines.clusterUri(Engines.freshPrefix()), options);
    }
}
