package dev.hourglass.jdbc;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.BoundaryContract;

class MariaDbBoundaryTest extends BoundaryContract {

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open(Databases.mariaDbUri(Databases.freshPrefix()), options);
    }
}
