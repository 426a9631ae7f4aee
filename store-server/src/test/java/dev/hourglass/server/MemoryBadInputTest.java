package dev.hourglass.server;

class MemoryBadInputTest extends BadInputContract {

    @Override
    String storeUri() {
        return "memory:";
    }
}
