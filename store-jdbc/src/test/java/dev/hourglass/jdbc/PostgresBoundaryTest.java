package dev.hourglass.jdbc;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.BoundaryContract;

class PostgresBoundaryTest extends BoundaryContract {

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open(Databases.postgresUri(Databases.freshPrefix()), options);
    }
}
