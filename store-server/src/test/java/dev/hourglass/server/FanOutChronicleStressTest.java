package dev.hourglass.server;

/** The fan-out stress over chronicle, whose streams keep 64 reader names by default: 32 of each kind. */
class FanOutChronicleStressTest extends FanOutStressContract {

    @Override
    int readersOfEachKind() {
        return 32;
    }

    @Override
    String storeUri() {
        return "chronicle:" + ServerFixture.TMP + "?maxSessions=20000&maxStreams=2000&maxMessages=200000";
    }
}
