package dev.hourglass.chronicle;

import dev.hourglass.contract.CrossProcessContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class ChronicleCrossProcessTest extends CrossProcessContract {

    @TempDir
    Path dir;

    @Override
    protected String storeUri() {
        return "chronicle:" + dir + "?maxSessions=10000&maxStreams=100&maxMessages=10000";
    }
}
