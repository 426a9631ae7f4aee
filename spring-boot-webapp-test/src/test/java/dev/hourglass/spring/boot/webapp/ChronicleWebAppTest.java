package dev.hourglass.spring.boot.webapp;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The web application on Chronicle Map files; save mode on-set-attribute, Spring Session's default. */
class ChronicleWebAppTest extends WebAppContract {

    @TempDir
    static Path dir;

    @Override
    List<String> properties() {
        return List.of("hourglass.store=chronicle:" + dir.resolve("sessions"));
    }
}
