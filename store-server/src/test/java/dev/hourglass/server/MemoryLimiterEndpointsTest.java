package dev.hourglass.server;

class MemoryLimiterEndpointsTest extends LimiterEndpointsContract {

    @Override
    String storeUri() {
        return "memory:";
    }
}
