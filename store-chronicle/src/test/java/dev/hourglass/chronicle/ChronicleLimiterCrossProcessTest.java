package dev.hourglass.chronicle;

import dev.hourglass.contract.LimiterCrossProcessContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class ChronicleLimiterCrossProcessTest extends LimiterCrossProcessContract {

    @TempDir
    Path dir;

    @Override
    protected String storeUri() {
        return "chronicle:" + dir + "?maxSessions=10000&maxStreams=100&maxMessages=1000";
    }
}
