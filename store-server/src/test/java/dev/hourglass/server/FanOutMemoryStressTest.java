package dev.hourglass.server;

class FanOutMemoryStressTest extends FanOutStressContract {

    @Override
    String storeUri() {
        return "memory:";
    }
}
