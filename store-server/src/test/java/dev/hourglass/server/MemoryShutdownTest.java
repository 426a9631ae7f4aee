package dev.hourglass.server;

import java.nio.file.Path;

class MemoryShutdownTest extends ShutdownContract {

    @Override
    String storeUri(Path dir) {
        return "memory:";
    }

    @Override
    boolean persistent() {
        return false;
    }
}
