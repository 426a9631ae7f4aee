package dev.hourglass.chronicle;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.IndexContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class ChronicleIndexTest extends IndexContract {

    @TempDir
    Path dir;

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open(sharedUri(), options);
    }

    @Override
    protected String sharedUri() {
        return "chronicle:" + dir + "?maxSessions=20000&maxStreams=100&maxMessages=1000";
    }
}
