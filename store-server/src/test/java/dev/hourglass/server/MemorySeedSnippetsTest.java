package dev.hourglass.server;

class MemorySeedSnippetsTest extends SeedSnippetsContract {

    @Override
    String storeUri() {
        return "memory:";
    }
}
