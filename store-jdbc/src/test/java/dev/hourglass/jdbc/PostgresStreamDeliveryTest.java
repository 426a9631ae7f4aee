package dev.hourglass.jdbc;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StreamDeliveryContract;

class PostgresStreamDeliveryTest extends StreamDeliveryContract {

    private String uri;

    @Override
    protected Store openStore(StoreOptions options) {
        uri = Databases.postgresUri(Databases.freshPrefix());
        return Hourglass.open(uri, options);
    }

    @Override
    protected Store openSecondNode(StoreOptions options) {
        return Hourglass.open(uri, options);
    }
}
