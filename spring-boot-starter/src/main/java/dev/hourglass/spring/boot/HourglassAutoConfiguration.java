package dev.hourglass.spring.boot;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.spring.session.AttributeSerializer;
import dev.hourglass.spring.session.HourglassSessionRepository;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.annotation.web.http.EnableSpringHttpSession;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.util.ClassUtils;

/**
 * Opens the {@link Store} from {@code hourglass.store} (closed when the context closes), registers
 * {@link HourglassSessionRepository} as Spring Session's repository (with its filter in a servlet
 * application), binds the store's metrics to the application's {@link MeterRegistry} and adds a
 * health indicator named {@code hourglass}. Each part backs off when the application defines its own
 * bean of that type.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.session.autoconfigure.SessionAutoConfiguration")
@ConditionalOnClass(Store.class)
@EnableConfigurationProperties(HourglassProperties.class)
public class HourglassAutoConfiguration {

    /**
     * The store at {@code hourglass.store}, or the one the library's configuration names; for
     * {@code hourglass.store=jdbc}, a store over the application's {@link DataSource}, left open when
     * the store closes; for a Redis URI, a store on the application's lettuce client resources when it
     * has a single bean of them.
     *
     * @throws IllegalArgumentException when the URI or an option is not valid, or {@code jdbc} is given
     *     without a single DataSource bean or without the JDBC module
     * @throws dev.hourglass.StoreUnavailableException when the engine cannot be reached within the timeout
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Store hourglassStore(
            HourglassProperties properties,
            ObjectProvider<StoreOptionsCustomizer> customizers,
            ObjectProvider<DataSource> dataSources,
            ConfigurableListableBeanFactory beans) {
        StoreOptions.Builder options = StoreOptions.builder();
        if (properties.getTimeout() != null) {
            options.timeout(properties.getTimeout());
        }
        if (properties.getSweepInterval() != null) {
            options.sweepInterval(properties.getSweepInterval());
        }
        customizers.orderedStream().forEach(c -> c.customize(options));
        String uri = properties.getStore() == null || properties.getStore().isBlank()
                ? Hourglass.configuredUri()
                : properties.getStore();
        if (uri.trim().equals(APPLICATION_DATA_SOURCE)) {
            return ApplicationDataSource.open(dataSources, beans, options.build());
        }
        if (uri.trim().toLowerCase(java.util.Locale.ROOT).startsWith("redis")
                && ClassUtils.isPresent(
                        "dev.hourglass.redis.RedisStores", HourglassAutoConfiguration.class.getClassLoader())) {
            Store onTheApplications = ApplicationClientResources.open(beans, uri, options.build());
            if (onTheApplications != null) {
                return onTheApplications;
            }
        }
        return Hourglass.open(uri, options.build());
    }

    /**
     * Loaded only for Redis URIs with the Redis module present: a Redis store runs on the
     * application's lettuce {@code ClientResources} when it has a single such bean (Spring Boot's Redis
     * auto-configuration defines one), which are shut down after the store.
     */
    static final class ApplicationClientResources {

        private ApplicationClientResources() {}

        static Store open(ConfigurableListableBeanFactory beans, String uri, StoreOptions options) {
            io.lettuce.core.resource.ClientResources resources = beans.getBeanProvider(
                            io.lettuce.core.resource.ClientResources.class)
                    .getIfUnique();
            if (resources == null) {
                return null;
            }
            beans.getBeansOfType(io.lettuce.core.resource.ClientResources.class).forEach((name, bean) -> {
                if (bean == resources) {
                    beans.registerDependentBean(name, "hourglassStore");
                }
            });
            return dev.hourglass.redis.RedisStores.open(resources, uri, options);
        }
    }

    /** {@code hourglass.store} naming the kind alone: a store over the application's {@link DataSource}. */
    static final String APPLICATION_DATA_SOURCE = "jdbc";

    /** Loaded only when {@code hourglass.store=jdbc}, so the JDBC module stays optional. */
    static final class ApplicationDataSource {

        private ApplicationDataSource() {}

        static Store open(
                ObjectProvider<DataSource> dataSources, ConfigurableListableBeanFactory beans, StoreOptions options) {
            if (!ClassUtils.isPresent(
                    "dev.hourglass.jdbc.JdbcStores", HourglassAutoConfiguration.class.getClassLoader())) {
                throw new IllegalArgumentException(
                        "hourglass.store=jdbc opens the store over the application's DataSource, which needs"
                                + " the module hourglass-jdbc on the class path");
            }
            DataSource dataSource = dataSources.getIfUnique();
            if (dataSource == null) {
                throw new IllegalArgumentException("hourglass.store=jdbc opens the store over the application's"
                        + " DataSource, and the application has no single DataSource bean; define one, or give"
                        + " hourglass.store a JDBC URI for a pool of the store's own");
            }
            // the data source outlives the store: it is closed after the store is
            beans.getBeansOfType(DataSource.class).forEach((name, bean) -> {
                if (bean == dataSource) {
                    beans.registerDependentBean(name, "hourglassStore");
                }
            });
            return dev.hourglass.jdbc.JdbcStores.open(dataSource, options);
        }
    }

    /** Metrics of every store call on the application's registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class MetricsConfiguration {

        @Bean
        StoreOptionsCustomizer hourglassMeterRegistry(ObjectProvider<MeterRegistry> registry) {
            return options -> {
                MeterRegistry r = registry.getIfAvailable();
                if (r != null) {
                    options.meterRegistry(r);
                }
            };
        }
    }

    /** UP while the engine answers (the check returns within the store's timeout). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "hourglassHealthIndicator")
        HealthIndicator hourglassHealthIndicator(Store store) {
            return () -> (store.isHealthy() ? Health.up() : Health.down())
                    .withDetail("backend", store.backend())
                    .build();
        }
    }

    /** Spring Session over the store. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({SessionRepository.class, HourglassSessionRepository.class})
    @ConditionalOnProperty(prefix = "hourglass.session", name = "enabled", matchIfMissing = true)
    static class SessionConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(SessionRepository.class)
        HourglassSessionRepository sessionRepository(
                Store store, HourglassProperties properties, ApplicationEventPublisher publisher) {
            HourglassProperties.Session s = properties.getSession();
            return HourglassSessionRepository.builder(store)
                    .maxInactiveInterval(s.getMaxInactiveInterval())
                    .flushMode(s.getFlushMode())
                    .saveMode(s.getSaveMode())
                    .serializer(
                            serializer(s.getSerializer(), SessionConfiguration.class.getClassLoader())
                                            == HourglassProperties.Serializer.JDK
                                    ? AttributeSerializer.jdk()
                                    : AttributeSerializer.json())
                    .eventPublisher(publisher)
                    .build();
        }

        /** The serializer chosen, else Java serialization when Spring Security is present, else JSON. */
        static HourglassProperties.Serializer serializer(HourglassProperties.Serializer chosen, ClassLoader loader) {
            if (chosen != null) {
                return chosen;
            }
            return ClassUtils.isPresent("org.springframework.security.core.context.SecurityContext", loader)
                    ? HourglassProperties.Serializer.JDK
                    : HourglassProperties.Serializer.JSON;
        }

        /** The session filter; Spring Boot registers it with the servlet container. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
        @ConditionalOnMissingBean(SessionRepositoryFilter.class)
        @EnableSpringHttpSession
        static class FilterConfiguration {}
    }
}
