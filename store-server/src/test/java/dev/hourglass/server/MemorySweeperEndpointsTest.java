package dev.hourglass.server;

class MemorySweeperEndpointsTest extends SweeperEndpointsContract {

    @Override
    String storeUri() {
        return "memory:";
    }
}
