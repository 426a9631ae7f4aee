package dev.hourglass.server;

import java.nio.file.Path;

class ChronicleShutdownTest extends ShutdownContract {

    @Override
    String storeUri(Path dir) {
        return "chronicle:" + dir.resolve("data") + "?maxSessions=10000&maxStreams=1000&maxMessages=100000";
    }

    @Override
    boolean persistent() {
        return true;
    }
}
