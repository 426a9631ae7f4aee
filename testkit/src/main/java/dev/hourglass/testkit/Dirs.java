package dev.hourglass.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** File-system helpers for the servers' temporary directories and logs. */
final class Dirs {

    private static final Logger LOG = LoggerFactory.getLogger(Dirs.class);
    private static final int TAIL_BYTES = 64 * 1024;

    private Dirs() {}

    /**
     * A new empty directory under {@code java.io.tmpdir}, readable only by this OS user, deleted at
     * JVM exit unless {@link #deleteQuietly deleted} before.
     */
    static Path createTemp(String prefix) {
        try {
            return deletedAtExit(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory in " + System.getProperty("java.io.tmpdir"), e);
        }
    }

    /** Like {@link #createTemp(String)}, in {@code parent}. */
    static Path createTemp(Path parent, String prefix) throws IOException {
        return deletedAtExit(Files.createTempDirectory(parent, prefix));
    }

    /** A new empty file under {@code java.io.tmpdir}, deleted at JVM exit unless deleted before. */
    static Path createTempFile(String prefix) throws IOException {
        return deletedAtExit(Files.createTempFile(prefix, ""));
    }

    private static Path deletedAtExit(Path path) {
        Reaper.deleteAtExit(path);
        return path;
    }

    /** Deletes a file or a directory tree; failures are logged, not thrown. */
    static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        Reaper.forgetDelete(path);
        try {
            delete(path);
        } catch (IOException first) {
            try {
                delete(path); // a process that was just killed may have written one more file
            } catch (IOException e) {
                LOG.warn("cannot delete {}: {}", path, e.toString());
            }
        }
    }

    private static void delete(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Copies a directory tree with {@code cp -a --sparse=always}: keeping modes and (when run as
     * root) owners, and leaving runs of zeros (preallocated logs) as holes, which makes the copy
     * several times faster than writing them.
     */
    static void copyTree(Path source, Path target) {
        Exec.check(List.of("cp", "-a", "--sparse=always", source.toString(), target.toString()), null);
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The last {@code lines} lines of {@code file} from byte {@code offset} on; "" if unreadable. */
    static String tail(Path file, long offset, int lines) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.min(in.length(), Math.max(offset, in.length() - TAIL_BYTES));
            byte[] bytes = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            List<String> all = Arrays.asList(new String(bytes, UTF_8).split("\\R"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
