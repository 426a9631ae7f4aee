package dev.hourglass.server;

class MemorySessionEndpointsTest extends SessionEndpointsContract {

    @Override
    String storeUri() {
        return "memory:";
    }
}
