package dev.hourglass.memory;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.LimiterContract;

class MemoryLimiterTest extends LimiterContract {

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open("memory:", options);
    }
}
