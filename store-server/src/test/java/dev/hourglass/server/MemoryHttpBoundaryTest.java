package dev.hourglass.server;

class MemoryHttpBoundaryTest extends HttpBoundaryContract {

    @Override
    String storeUri() {
        return "memory:";
    }
}
