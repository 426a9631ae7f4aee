package dev.hourglass.chronicle;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.BoundaryContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

class ChronicleBoundaryTest extends BoundaryContract {

    private Path dir;

    @Override
    protected Store openStore(StoreOptions options) {
        try {
            dir = Files.createTempDirectory("boundary");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Hourglass.open("chronicle:" + dir + "?maxSessions=20000&maxStreams=1000&maxMessages=4000", options);
    }

    @Override
    protected void release(Store store) {
        super.release(store);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
