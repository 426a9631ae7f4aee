package dev.hourglass.server;

/** The same properties on the embedded default, whose binary form of text is where unreadable data came from. */
class ChronicleHttpBoundaryTest extends HttpBoundaryContract {

    @Override
    String storeUri() {
        return "chronicle:" + ServerFixture.TMP;
    }
}
