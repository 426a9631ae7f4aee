package dev.hourglass.chronicle;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class ChronicleContractTest extends StoreContract {

    @TempDir
    Path dir;

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open("chronicle:" + dir + "?maxSessions=120000&maxStreams=1000&maxMessages=40000", options);
    }
}
