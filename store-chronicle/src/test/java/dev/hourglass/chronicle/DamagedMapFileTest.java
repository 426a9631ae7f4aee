package dev.hourglass.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.SecondJvm;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A damaged map file is refused with an exception when the store opens, in a second JVM that must live on. */
class DamagedMapFileTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"truncated", "header", "middle"})
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aDamagedSessionsFileIsRefusedOrOpenedNeverCrashesTheJvm(String damage) throws Exception {
        String uri = "chronicle:" + dir + "?maxSessions=1000&maxStreams=10&maxMessages=1000";
        try (Store store = Hourglass.open(
                uri, StoreOptions.builder().sweeperAutoStart(false).build())) {
            for (int i = 0; i < 200; i++) {
                store.sessions().put("s" + i, Attributes.strings(java.util.Map.of("a", "v" + i)), Duration.ofHours(1));
            }
        }
        Path file = dir.resolve(Maps.SESSIONS);
        long length = Files.size(file);
        Random random = new Random(7);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            switch (damage) {
                case "truncated" -> f.setLength(length / 3);
                case "header" -> {
                    byte[] junk = new byte[4096];
                    random.nextBytes(junk);
                    f.seek(0);
                    f.write(junk);
                }
                default -> {
                    byte[] junk = new byte[1 << 16];
                    random.nextBytes(junk);
                    f.seek(length / 2);
                    f.write(junk);
                }
            }
        }
        List<String> out;
        try (SecondJvm child = SecondJvm.start(OpenProbe.class, uri)) {
            out = child.awaitSuccess(150, TimeUnit.SECONDS);
        }
        assertThat(out).hasSize(1);
        assertThat(out.get(0))
                .matches("opened \\d+|refused (CorruptDataException|StoreUnavailableException|StoreException) .*")
                .doesNotContain("java.", "Exception:");
    }
}
