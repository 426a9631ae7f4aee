package dev.hourglass.nearcache;

import java.util.regex.Pattern;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * In this module the shared contract runs for what passes through the near cache: its session cases.
 * Stream cases (streams never pass through the near cache), the 100,000-id listing (listing bypasses
 * it) and the second JVM's create-if-absent race (a write the cache only drops after) are left out
 * here, to keep the module's run short; the backend modules run them against the same engines.
 */
public final class SessionCasesOnly implements PostDiscoveryFilter {

    private static final Pattern NOT_THROUGH_THE_CACHE =
            Pattern.compile("(?i).*(stream|message|reader|blocking|append|theEnd|HundredThousandIds|RacedFromTwo).*");

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        if (descriptor.getSource().orElse(null) instanceof MethodSource m
                && m.getJavaMethod().getDeclaringClass().getPackageName().equals("dev.hourglass.contract")
                && NOT_THROUGH_THE_CACHE.matcher(m.getMethodName()).matches()) {
            return FilterResult.excluded("passes by the near cache; run by the backend modules");
        }
        return FilterResult.included("a session case");
    }
}
