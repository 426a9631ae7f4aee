package dev.hourglass.spring.boot.webapp;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.events.AbstractSessionEvent;
import org.springframework.session.security.SpringSessionBackedSessionRegistry;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application under test: an ordinary Spring Boot web application with Spring Security form
 * login, one session per user (Spring Security's concurrent-session control over Spring Session's
 * registry), the actuator's sessions endpoint, the Hourglass starter as its only session
 * configuration and, when the test gives it a database, a connection pool of its own.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(WebApp.Pages.class)
public class WebApp {

    /** Users of the test, each with password {@code pw-<name>}. */
    static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin", "frank");

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(USERS.stream()
                .map(u -> User.withUsername(u)
                        .password("{noop}pw-" + u)
                        .roles("USER")
                        .build())
                .toList());
    }

    @Bean
    <S extends Session> SpringSessionBackedSessionRegistry<S> sessionRegistry(
            FindByIndexNameSessionRepository<S> sessions) {
        return new SpringSessionBackedSessionRegistry<>(sessions);
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http, SpringSessionBackedSessionRegistry<?> registry) throws Exception {
        return http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .formLogin(f -> f.defaultSuccessUrl("/me", true))
                .csrf(c -> c.ignoringRequestMatchers("/attributes/**"))
                .sessionManagement(s -> s.maximumSessions(1).sessionRegistry(registry))
                .build();
    }

    /** The application's own connection pool, when the test gives it a database. */
    @Bean
    @ConditionalOnProperty("webapp.datasource.url")
    HikariDataSource dataSource(
            @Value("${webapp.datasource.url}") String url, @Value("${webapp.datasource.user}") String user) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setUsername(user);
        c.setMaximumPoolSize(6);
        c.setPoolName("application");
        return new HikariDataSource(c);
    }

    @Bean
    Events events() {
        return new Events();
    }

    /** Session events as the application receives them. */
    static final class Events implements ApplicationListener<AbstractSessionEvent> {
        final List<AbstractSessionEvent> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onApplicationEvent(AbstractSessionEvent event) {
            seen.add(event);
        }
    }

    /** Who is logged in, and session attributes set and read one request at a time. */
    @RestController
    static class Pages {

        @GetMapping("/me")
        String me(Principal principal) {
            return principal.getName();
        }

        @PostMapping("/attributes/{name}")
        String set(@PathVariable("name") String name, @RequestParam("value") String value, HttpSession session) {
            session.setAttribute("app." + name, value);
            return "ok";
        }

        @GetMapping("/attributes/{name}")
        ResponseEntity<String> get(@PathVariable("name") String name, HttpSession session) {
            Object value = session.getAttribute("app." + name);
            return value == null
                    ? ResponseEntity.status(HttpStatus.NOT_FOUND).body("none")
                    : ResponseEntity.ok(value.toString());
        }
    }
}
