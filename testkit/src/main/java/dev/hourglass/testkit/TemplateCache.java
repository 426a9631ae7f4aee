package dev.hourglass.testkit;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Initialised data directories, shared by all JVMs of the machine under {@code
 * <java.io.tmpdir>/hourglass-testkit-cache}, so that a server starts from a copy instead of running
 * its slow initialisation again.
 *
 * <p>A template is built in a staging directory and renamed into place atomically: readers see a
 * complete template or none, and when JVMs race, one rename wins and the others discard their work.
 */
final class TemplateCache {

    interface Initializer {
        /** Fills {@code dir}, an empty directory owned by this OS user. */
        void initialize(Path dir) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(TemplateCache.class);
    private static final Path ROOT = Path.of(System.getProperty("java.io.tmpdir"), "hourglass-testkit-cache");
    private static final ConcurrentMap<String, Object> LOCKS = new ConcurrentHashMap<>();

    private TemplateCache() {}

    /** The template named {@code key}, built with {@code initializer} if no JVM built it yet. */
    static Path get(String key, Initializer initializer) throws IOException {
        Path template = ROOT.resolve(key);
        synchronized (LOCKS.computeIfAbsent(key, k -> new Object())) {
            if (Files.isDirectory(template)) {
                return template;
            }
            createRoot();
            Path staging = Dirs.createTemp(ROOT, key + ".tmp-");
            try {
                long started = System.nanoTime();
                initializer.initialize(staging);
                Files.move(staging, template, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("Cached {} in {} ms", template, (System.nanoTime() - started) / 1_000_000);
            } catch (FileSystemException e) {
                if (!Files.isDirectory(template)) {
                    throw e;
                }
                LOG.debug("Another JVM cached {} first", template);
            } finally {
                Dirs.deleteQuietly(staging);
            }
            return template;
        }
    }

    private static void createRoot() throws IOException {
        Files.createDirectories(ROOT);
        try {
            Files.setPosixFilePermissions(ROOT, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            LOG.debug("Cannot open {} to other users: {}", ROOT, e.toString());
        }
    }
}
