package dev.hourglass.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;

/** The OS user this JVM runs as, and running tools as another one. */
final class Os {

    private Os() {}

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * {@code command} run as {@code user}: through {@code setpriv}, which executes it in place (no
     * intermediate process), so the server stays a direct child of this JVM.
     */
    static List<String> runAs(String user, List<String> command) {
        List<String> wrapped = new ArrayList<>();
        wrapped.add(ServerBinaries.locate("setpriv").toString());
        wrapped.add("--reuid=" + user);
        wrapped.add("--regid=" + user);
        wrapped.add("--init-groups");
        wrapped.add("--");
        wrapped.addAll(command);
        return wrapped;
    }

    /** Makes {@code user} (and its group of the same name, if any) the owner of {@code path}. */
    static void chown(Path path, String user) {
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        try {
            Files.setOwner(path, users.lookupPrincipalByName(user));
            try {
                Files.getFileAttributeView(path, PosixFileAttributeView.class)
                        .setGroup(users.lookupPrincipalByGroupName(user));
            } catch (UserPrincipalNotFoundException noSuchGroup) {
                // The owner alone is what the servers check.
            }
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalStateException(
                    "no OS user '" + user + "' to own " + path + " (the Debian package of the server creates it)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + user + " the owner of " + path, e);
        }
    }
}
