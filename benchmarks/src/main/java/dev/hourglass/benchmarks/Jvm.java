package dev.hourglass.benchmarks;

/** JVM options every benchmark fork gets (each class's @Fork): what Chronicle Map needs on JDK 17+, analytics off, a fixed heap. */
final class Jvm {

    static final String OPEN_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    static final String OPEN_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    static final String EXPORT_JAVAC_FILE = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";
    static final String EXPORT_NIO_CH = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String EXPORT_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    static final String NO_ANALYTICS = "-Dchronicle.analytics.disable=true";
    static final String HEAP = "-Xmx1g";
    static final String HEAP_MIN = "-Xms1g";

    private Jvm() {}
}
