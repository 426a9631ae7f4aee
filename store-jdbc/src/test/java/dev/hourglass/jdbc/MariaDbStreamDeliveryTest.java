package dev.hourglass.jdbc;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StreamDeliveryContract;

class MariaDbStreamDeliveryTest extends StreamDeliveryContract {

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open(Databases.mariaDbUri(Databases.freshPrefix()), options);
    }
}
