package dev.hourglass.server;

class MemoryStreamEndpointsTest extends StreamEndpointsContract {

    @Override
    String storeUri() {
        return "memory:";
    }
}
