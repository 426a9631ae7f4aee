package dev.hourglass.memory;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StoreContract;

class MemoryStoreTest extends StoreContract {

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open("memory:?maxSessionBytes=300000&maxMessageBytes=65536", options);
    }
}
