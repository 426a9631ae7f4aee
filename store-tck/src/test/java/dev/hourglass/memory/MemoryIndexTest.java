package dev.hourglass.memory;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.IndexContract;

class MemoryIndexTest extends IndexContract {

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open("memory:", options);
    }

    @Override
    protected String sharedUri() {
        return null;
    }
}
