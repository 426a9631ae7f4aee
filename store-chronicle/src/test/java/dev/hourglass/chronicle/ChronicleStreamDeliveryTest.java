package dev.hourglass.chronicle;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StreamDeliveryContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class ChronicleStreamDeliveryTest extends StreamDeliveryContract {

    @TempDir
    Path dir;

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open(uri(), options);
    }

    @Override
    protected Store openSecondNode(StoreOptions options) {
        return Hourglass.open(uri(), options);
    }

    private String uri() {
        return "chronicle:" + dir + "?maxSessions=1000&maxStreams=1000&maxMessages=10000";
    }
}
