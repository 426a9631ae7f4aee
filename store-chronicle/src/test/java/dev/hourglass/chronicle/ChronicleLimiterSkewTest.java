package dev.hourglass.chronicle;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.LimiterSkewContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class ChronicleLimiterSkewTest extends LimiterSkewContract {

    @TempDir
    Path dir;

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open("chronicle:" + dir + "?maxSessions=10000&maxStreams=100&maxMessages=1000", options);
    }
}
