package dev.hourglass.spring.session;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;

/** The principal name of Spring Security's context, when Spring Security is on the class path. */
final class SecurityContexts {

    private static final boolean PRESENT = present();

    private SecurityContexts() {}

    private static boolean present() {
        try {
            Class.forName(
                    "org.springframework.security.core.context.SecurityContext",
                    false,
                    SecurityContexts.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static String name(Object context) {
        return PRESENT ? Security.name(context) : null;
    }

    /** Loaded only when Spring Security is present. */
    private static final class Security {
        static String name(Object context) {
            if (context instanceof SecurityContext c) {
                Authentication a = c.getAuthentication();
                return a == null ? null : a.getName();
            }
            return null;
        }
    }
}
