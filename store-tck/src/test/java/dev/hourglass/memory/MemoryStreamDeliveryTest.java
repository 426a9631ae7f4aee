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
}
