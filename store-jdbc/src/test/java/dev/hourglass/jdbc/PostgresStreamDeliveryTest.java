package dev.hourglass.jdbc;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StreamDeliveryContract;

class PostgresStreamDeliveryTest extends StreamDeliveryContract {

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open(Databases.postgresUri(Databases.freshPrefix()), options);
    }
}
