package dev.hourglass.memory;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.BoundaryContract;

class MemoryBoundaryTest extends BoundaryContract {

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open("memory:", options);
    }
}
