package dev.hourglass.server;

class ChronicleStreamEndpointsTest extends StreamEndpointsContract {

    @Override
    String storeUri() {
        return "chronicle:" + ServerFixture.TMP + "?maxSessions=20000&maxStreams=2000&maxMessages=200000";
    }
}
