package dev.hourglass.server;

class ChronicleSweeperEndpointsTest extends SweeperEndpointsContract {

    @Override
    String storeUri() {
        return "chronicle:" + ServerFixture.TMP + "?maxSessions=20000&maxStreams=2000&maxMessages=200000";
    }
}
