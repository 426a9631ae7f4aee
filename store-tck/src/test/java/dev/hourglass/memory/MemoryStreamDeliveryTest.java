package dev.hourglass.memory;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StreamDeliveryContract;

class MemoryStreamDeliveryTest extends StreamDeliveryContract {

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open("memory:", options);
    }

    /** A memory store's data lives in the store object: both nodes share it. */
    @Override
    protected Store openSecondNode(StoreOptions options) {
        return store;
    }
}
