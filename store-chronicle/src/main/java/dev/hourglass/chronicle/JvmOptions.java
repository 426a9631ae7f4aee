package dev.hourglass.chronicle;

import dev.hourglass.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JVM options Chronicle Map needs, checked before any Chronicle class is initialised, and the
 * system properties set for it: no analytics, no banner, and a segment-lock timeout bounded by the
 * store's timeout so that a lock left by a killed process fails a call instead of hanging it.
 */
final class JvmOptions {

    static final List<String> REQUIRED = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED");

    static final String LOCK_TIMEOUT_PROPERTY = "net.openhft.chronicle.map.lockTimeoutSeconds";

    static {
        setIfAbsent("chronicle.analytics.disable", "true");
        setIfAbsent("chronicle.announcer.disable", "true");
    }

    private JvmOptions() {}

    /** Fails with one message listing every missing option, or when the JVM has no compiler. */
    static void check() {
        Module target = chronicleModule();
        Module base = Object.class.getModule();
        List<String> missing = new ArrayList<>();
        if (!base.isOpen("java.lang", target)) {
            missing.add(REQUIRED.get(0));
        }
        if (!base.isOpen("java.lang.reflect", target)) {
            missing.add(REQUIRED.get(1));
        }
        Optional<Module> compiler = ModuleLayer.boot().findModule("jdk.compiler");
        if (compiler.isPresent() && !compiler.get().isExported("com.sun.tools.javac.file", target)) {
            missing.add(REQUIRED.get(2));
        }
        if (!base.isExported("sun.nio.ch", target)) {
            missing.add(REQUIRED.get(3));
        }
        if (!base.isExported("jdk.internal.ref", target)) {
            missing.add(REQUIRED.get(4));
        }
        StringBuilder msg = new StringBuilder();
        if (!missing.isEmpty()) {
            msg.append("the chronicle store needs these JVM options, add them to the java command line (or to the jar "
                            + "manifest as Add-Opens/Add-Exports): ")
                    .append(String.join(" ", missing));
        }
        if (compiler.isEmpty()) {
            msg.append(msg.length() > 0 ? "; and it" : "the chronicle store")
                    .append(" needs a full JDK at run time (module jdk.compiler is missing from this runtime)");
        }
        if (msg.length() > 0) {
            throw new StoreException(msg.toString());
        }
    }

    /** Sets Chronicle's lock timeout from the store's timeout unless the JVM already has one. */
    static void prepare(Duration timeout) {
        long seconds = Math.max(2, (timeout.toMillis() + 999) / 1000);
        setIfAbsent(LOCK_TIMEOUT_PROPERTY, Long.toString(seconds));
    }

    private static Module chronicleModule() {
        try {
            return Class.forName("net.openhft.chronicle.map.ChronicleMap", false, JvmOptions.class.getClassLoader())
                    .getModule();
        } catch (ClassNotFoundException e) {
            throw new StoreException("the chronicle store needs net.openhft:chronicle-map on the class path", e);
        }
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }
}
