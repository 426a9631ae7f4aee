package dev.hourglass.spring.boot.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Store;
import dev.hourglass.contract.FakeClock;
import dev.hourglass.spring.boot.StoreOptionsCustomizer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.session.events.AbstractSessionEvent;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionExpiredEvent;

/**
 * The web application on one backend, driven over HTTP: embedded Tomcat on a random port, Spring
 * Security form login, Spring Session through the starter. One application runs per backend (restarted
 * once, on the same data); the store runs on a fake clock with its sweeper run by hand, so session
 * expiry takes no waiting.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WebAppContract {

    /** Thirty minutes, the application's session timeout. */
    static final Duration TIMEOUT = Duration.ofMinutes(30);

    private final FakeClock clock = new FakeClock();
    private ConfigurableApplicationContext app;

    /** The backend's {@code hourglass.*} properties (the store URI above all). */
    abstract List<String> properties();

    /** Stops the backend's engine, if the test started one. */
    void stopEngine() {}

    @BeforeAll
    void startApplication() {
        app = start();
    }

    @AfterAll
    void stopApplication() {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            stopEngine();
        }
    }

    private ConfigurableApplicationContext start() {
        List<String> props = new ArrayList<>(properties());
        props.add("hourglass.timeout=10s");
        props.add("server.port=0");
        props.add("server.address=127.0.0.1");
        props.add("hourglass.session.max-inactive-interval=" + TIMEOUT.toSeconds() + "s");
        props.add("management.endpoints.web.exposure.include=sessions,health");
        props.add("spring.main.banner-mode=off");
        StoreOptionsCustomizer fakeTime = options -> options.clock(clock).sweeperAutoStart(false);
        return new SpringApplicationBuilder(WebApp.class)
                .properties(props.toArray(String[]::new))
                .initializers(c -> c.getBeanFactory().registerSingleton("testClock", fakeTime))
                .run();
    }

    private int port() {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    private Browser loggedIn(String user) {
        Browser b = new Browser(port());
        HttpResponse<String> login = b.login(user, "pw-" + user);
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/me"));
        return b;
    }

    private List<AbstractSessionEvent> events() {
        return app.getBean(WebApp.Events.class).seen;
    }

    @Test
    void aLoginLastsAcrossRequestsAndARestartOfTheApplication() {
        Browser stranger = new Browser(port());
        HttpResponse<String> refused = stranger.get("/me");
        assertThat(refused.statusCode()).isEqualTo(302);
        assertThat(refused.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login"));

        Browser alice = loggedIn("alice");
        String id = alice.sessionId();
        assertThat(events()).filteredOn(e -> e instanceof SessionCreatedEvent).isNotEmpty();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> me = alice.get("/me");
            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(me.body()).isEqualTo("alice");
        }
        assertThat(alice.post("/attributes/colour", Map.of("value", "teal")).statusCode())
                .isEqualTo(200);

        app.close();
        app = start();
        alice.port(port());

        HttpResponse<String> me = alice.get("/me");
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).isEqualTo("alice");
        assertThat(alice.get("/attributes/colour").body()).isEqualTo("teal");
        assertThat(alice.sessionId()).isEqualTo(id);
        stranger.port(port());
        assertThat(stranger.get("/me").statusCode()).isEqualTo(302);
    }

    /** Twenty requests of one session at once, each setting its own attribute: every one is kept. */
    @Test
    void concurrentRequestsOfOneSessionKeepEveryAttribute() throws Exception {
        Browser bob = loggedIn("bob");
        int n = 20;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CyclicBarrier barrier = new CyclicBarrier(n);
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                sent.add(pool.submit(() -> {
                    barrier.await(30, TimeUnit.SECONDS);
                    return bob.post("/attributes/a" + k, Map.of("value", "v" + k))
                            .statusCode();
                }));
            }
            for (Future<Integer> f : sent) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < n; i++) {
            HttpResponse<String> got = bob.get("/attributes/a" + i);
            assertThat(got.statusCode()).as("attribute a" + i).isEqualTo(200);
            assertThat(got.body()).isEqualTo("v" + i);
        }
        assertThat(bob.get("/me").body()).isEqualTo("bob");
    }

    /** maximumSessions(1) over Spring Session's registry: the second login expires the first. */
    @Test
    void aSecondLoginOfTheSameUserExpiresTheFirst() {
        Browser first = loggedIn("carol");
        assertThat(first.get("/me").body()).isEqualTo("carol");
        Browser second = loggedIn("carol");
        assertThat(second.sessionId()).isNotEqualTo(first.sessionId());

        HttpResponse<String> old = first.get("/me");
        assertThat(old.body()).doesNotContain("carol").contains("expired");
        HttpResponse<String> current = second.get("/me");
        assertThat(current.statusCode()).isEqualTo(200);
        assertThat(current.body()).isEqualTo("carol");
    }

    /** The store's sweeper reports the expiry; the application gets SessionExpiredEvent. */
    @Test
    void anIdleSessionExpiresWithAnEvent() throws InterruptedException {
        Browser dave = loggedIn("dave");
        String id = dave.sessionId();
        assertThat(dave.get("/me").statusCode()).isEqualTo(200);

        clock.advance(TIMEOUT.minusSeconds(5));
        assertThat(dave.get("/me").statusCode()).isEqualTo(200);
        clock.advance(TIMEOUT.plusSeconds(1));
        Store store = app.getBean(Store.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (events().stream().noneMatch(e -> e instanceof SessionExpiredEvent && id.equals(e.getSessionId()))
                && System.nanoTime() < deadline) {
            store.sweeper().orElseThrow().runNow();
            Thread.sleep(20);
        }
        assertThat(events())
                .filteredOn(e -> e instanceof SessionExpiredEvent)
                .extracting(AbstractSessionEvent::getSessionId)
                .contains(id);
        HttpResponse<String> after = dave.get("/me");
        assertThat(after.statusCode()).isEqualTo(302);
        assertThat(after.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
    }

    /** The actuator's sessions endpoint finds a user's sessions through the principal index. */
    @Test
    void theActuatorListsAUsersSessions() {
        Browser erin = loggedIn("erin");
        Browser frank = loggedIn("frank");

        HttpResponse<String> listed = frank.get("/actuator/sessions?username=erin");
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body())
                .contains("\"id\":\"" + erin.sessionId() + "\"")
                .doesNotContain(frank.sessionId());
        HttpResponse<String> one = erin.get("/actuator/sessions/" + erin.sessionId());
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).contains("SPRING_SECURITY_CONTEXT");
        assertThat(frank.get("/actuator/sessions?username=nobody").body()).doesNotContain("\"id\"");
    }
}
