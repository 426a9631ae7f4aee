package dev.hourglass.nearcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.spi.SessionBackend;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The near cache answers every session call itself or forwards it: a method added to
 * {@link SessionBackend} (abstract or default) that the decorator does not override would reach the
 * interface's default and bypass both the store's own implementation and the cache's bookkeeping.
 */
class DecoratorCompletenessTest {

    @Test
    void everySessionBackendMethodIsOverridden() {
        List<String> missing = new ArrayList<>();
        for (Method m : SessionBackend.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                Method own = NearCacheSessions.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
                assertThat(own.getReturnType()).as(m.getName()).isEqualTo(m.getReturnType());
            } catch (NoSuchMethodException e) {
                missing.add(m.toString());
            }
        }
        assertThat(missing)
                .as("SessionBackend methods the near cache neither caches nor forwards")
                .isEmpty();
        assertThat(SessionBackend.class.getMethods())
                .as("the interface is seen")
                .isNotEmpty();
    }
}
