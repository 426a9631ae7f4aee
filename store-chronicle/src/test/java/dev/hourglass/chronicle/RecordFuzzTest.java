package dev.hourglass.chronicle;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz targets for every decoder of stored bytes in the Chronicle store (see {@link Decoders}): a
 * target fails on any exception other than CorruptDataException, on a read outside the value and on
 * a broken invariant (a decoded stream header that re-encodes differently, a journal record handed
 * on out of range, an expiry index pass that writes past its file).
 */
class RecordFuzzTest {

    private static Path dir;

    @BeforeAll
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("hourglass-fuzz");
    }

    @AfterAll
    static void deleteDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @FuzzTest(maxDuration = "5s")
    void sessionRecord(byte[] data) {
        Decoders.outcome(data, Decoders::session);
    }

    @FuzzTest(maxDuration = "5s")
    void indexedNames(byte[] data) {
        Decoders.outcome(data, Decoders::indexedNames);
    }

    @FuzzTest(maxDuration = "5s")
    void streamHeader(byte[] data) {
        Decoders.outcome(data, Decoders::streamHeader);
    }

    @FuzzTest(maxDuration = "5s")
    void messageRecord(byte[] data) {
        Decoders.outcome(data, Decoders::message);
        Decoders.outcome(data, Decoders::messageKey);
    }

    @FuzzTest(maxDuration = "5s")
    void expiryLogRecord(FuzzedDataProvider data) {
        int limit = data.consumeInt(1, 64);
        Decoders.expiryFile(data.consumeRemainingAsBytes(), limit);
    }

    @FuzzTest(maxDuration = "5s")
    void journalRecord(byte[] data) {
        Decoders.journal(dir.resolve("fuzzed.journal"), data);
    }

    @FuzzTest(maxDuration = "5s")
    void layoutFile(byte[] data) {
        Decoders.layout(data);
    }
}
