package dev.hourglass.server;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server jar's entry point. On JDK 24 and later, Chronicle Map and its native-call library use
 * {@code sun.misc.Unsafe} memory access, which the JDK then warns about on every start unless the JVM
 * is given {@code --sun-misc-unsafe-memory-access=allow}, an option a jar manifest cannot carry. So a
 * plain {@code java -jar} on such a JDK starts the server in a child JVM with that option (and this
 * JVM's own options), passes its output through, forwards a stop to it, and exits with its exit code;
 * the child stops by itself if this process dies. On JDK 17 to 23, or when the option is already
 * given, the server runs in this JVM.
 */
final class Launcher {

    static final String PARENT_PID_PROPERTY = "hourglass.launcher.parent";
    private static final String UNSAFE_OPTION = "--sun-misc-unsafe-memory-access";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        watchParent();
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        boolean optionGiven = jvmArgs.stream().anyMatch(a -> a.startsWith(UNSAFE_OPTION));
        String jar = jarPath();
        if (Runtime.version().feature() < 24 || optionGiven || jar == null) {
            StoreServer.main(args);
            return;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add(UNSAFE_OPTION + "=allow");
        cmd.addAll(jvmArgs);
        cmd.add("-D" + PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
        cmd.add("-jar");
        cmd.add(jar);
        cmd.addAll(List.of(args));
        Process child = new ProcessBuilder(cmd).inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(child), "hourglass-launcher-stop"));
        System.exit(child.waitFor());
    }

    /** In the child: exit when the launching process is gone, so a killed launcher leaves no server behind. */
    private static void watchParent() {
        String parent = System.getProperty(PARENT_PID_PROPERTY);
        if (parent == null) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(parent);
        } catch (NumberFormatException e) {
            return;
        }
        ProcessHandle.of(pid).ifPresentOrElse(p -> p.onExit().thenRun(() -> System.exit(1)), () -> System.exit(1));
    }

    private static void stop(Process child) {
        if (!child.isAlive()) {
            return;
        }
        child.destroy();
        try {
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.destroyForcibly();
        }
    }

    /** The jar this class was started from, or null when it runs from a class folder. */
    private static String jarPath() {
        try {
            Path p = Path.of(Launcher.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return p.toString().endsWith(".jar") ? p.toString() : null;
        } catch (Exception e) {
            return null;
        }
    }
}
