package dev.hourglass.jdbc;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.IndexContract;

class PostgresIndexTest extends IndexContract {

    private String uri;

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open(sharedUri(), options);
    }

    @Override
    protected String sharedUri() {
        if (uri == null) {
            uri = Databases.postgresUri(Databases.freshPrefix());
        }
        return uri;
    }
}
