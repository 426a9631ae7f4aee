package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The seed document's Python code-node snippets (copies under {@code seed-snippets/}) run unchanged
 * with python3 and requests against a started server; only their {@code localhost:3001} is pointed
 * at the test's port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SeedSnippetsContract {

    ServerFixture http;
    Python python;

    abstract String storeUri();

    /** What the store runs on, closed after it. */
    List<AutoCloseable> engines() {
        return List.of();
    }

    @BeforeAll
    void start() throws Exception {
        List<AutoCloseable> engines = engines();
        http = new ServerFixture(storeUri());
        http.closeAfter.addAll(engines);
        python = new Python("http://localhost:" + http.server.port());
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (python != null) {
                python.close();
            }
        } finally {
            if (http != null) {
                http.close();
            }
        }
    }

    @Test
    void theSeedSnippetsWorkAsWritten() throws Exception {
        String id = "session-" + UUID.randomUUID();
        JsonNode saved = run(
                "1-save.py",
                Map.of(
                        "session_id", id,
                        "job_title", "Java 后端工程师",
                        "generated_questions", "1. 什么是 JVM？\n2. 解释 GC",
                        "standard_answer", "JVM 是 Java 虚拟机……",
                        "created_at", "2025-10-10T10:00:00Z"));
        assertThat(saved.path("success").asBoolean()).as("%s", saved).isTrue();
        assertThat(saved.path("session_id").asText()).isEqualTo(id);
        JsonNode stored = http.get("/api/interview/sessions/" + id).data().path("sessionData");
        assertThat(stored.path("jobTitle").asText()).isEqualTo("Java 后端工程师");
        assertThat(stored.path("requestType").asText()).isEqualTo("generate_questions");

        JsonNode loaded = run("2-load.py", Map.of("session_id", id));
        assertThat(loaded.path("success").asBoolean()).as("%s", loaded).isTrue();
        assertThat(loaded.path("job_title").asText()).isEqualTo("Java 后端工程师");
        assertThat(loaded.path("generated_questions").asText()).isEqualTo("1. 什么是 JVM？\n2. 解释 GC");
        assertThat(loaded.path("session_data").path("createdAt").asText()).isEqualTo("2025-10-10T10:00:00Z");

        JsonNode updated = run(
                "3-update.py",
                Map.of(
                        "session_id", id,
                        "comprehensive_evaluation", "基础扎实",
                        "overall_score", 85,
                        "candidate_answer", "JVM 是……",
                        "evaluated_at", "2025-10-10T10:15:00Z"));
        assertThat(updated.path("success").asBoolean()).as("%s", updated).isTrue();
        stored = http.get("/api/interview/sessions/" + id).data().path("sessionData");
        assertThat(stored.path("overallScore").asInt()).isEqualTo(85);
        assertThat(stored.path("comprehensiveEvaluation").asText()).isEqualTo("基础扎实");
        assertThat(stored.path("jobTitle").asText()).isEqualTo("Java 后端工程师");

        JsonNode generated = run(
                "5a-generate-and-save.py",
                Map.of(
                        "job_title", "SRE",
                        "generated_questions", "Q1",
                        "standard_answer", "A1"));
        assertThat(generated.path("success").asBoolean()).as("%s", generated).isTrue();
        String generatedId = generated.path("session_id").asText();
        assertThat(generatedId).startsWith("session-");
        assertThat(http.get("/api/interview/sessions/" + generatedId)
                        .data()
                        .path("sessionData")
                        .path("jobTitle")
                        .asText())
                .isEqualTo("SRE");

        JsonNode scored = run(
                "5b-score-and-update.py",
                Map.of(
                        "session_id",
                        generatedId,
                        "candidate_answer",
                        "my answer",
                        "comprehensive_evaluation",
                        "ok",
                        "overall_score",
                        92));
        assertThat(scored.path("success").asBoolean()).as("%s", scored).isTrue();
        stored = http.get("/api/interview/sessions/" + generatedId).data().path("sessionData");
        assertThat(stored.path("overallScore").asInt()).isEqualTo(92);
        assertThat(stored.path("standardAnswer").asText()).isEqualTo("A1");
        assertThat(stored.path("evaluatedAt").asText()).isNotEmpty();

        JsonNode deleted = run("4-delete.py", Map.of("session_id", id));
        assertThat(deleted.path("success").asBoolean()).as("%s", deleted).isTrue();
        assertThat(http.get("/api/interview/sessions/" + id).status()).isEqualTo(404);

        JsonNode gone = run("2-load.py", Map.of("session_id", id));
        assertThat(gone.path("success").asBoolean()).isFalse();
        assertThat(gone.path("message").asText()).isEqualTo("会话不存在或已过期");
        JsonNode notUpdated = run("5b-score-and-update.py", Map.of("session_id", id));
        assertThat(notUpdated.path("success").asBoolean()).isFalse();
        assertThat(notUpdated.path("message").asText()).isEqualTo("会话不存在或已过期");
        JsonNode notDeleted = run("4-delete.py", Map.of("session_id", id));
        assertThat(notDeleted.path("success").asBoolean()).isFalse();
    }

    private JsonNode run(String snippet, Map<String, ?> inputs) throws IOException, URISyntaxException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("snippet", resource("seed-snippets/" + snippet).toString());
        request.put("inputs", inputs);
        python.stdin.write(Json.MAPPER.writeValueAsString(request));
        python.stdin.newLine();
        python.stdin.flush();
        String line = python.stdout.readLine();
        if (line == null) {
            throw new AssertionError("python3 gave no answer for " + snippet + "; its output: " + python.rest());
        }
        return Json.MAPPER.readTree(line);
    }

    /** One python3 process running {@code run_snippet.py}: a request per line in, a result per line out. */
    static final class Python implements AutoCloseable {
        final Process process;
        final BufferedWriter stdin;
        final BufferedReader stdout;

        Python(String baseUrl) throws IOException, URISyntaxException {
            ProcessBuilder pb =
                    new ProcessBuilder("python3", resource("run_snippet.py").toString(), baseUrl);
            pb.environment().put("NO_PROXY", "*");
            pb.environment().put("no_proxy", "*");
            pb.environment().put("PYTHONIOENCODING", "utf-8");
            pb.redirectErrorStream(true);
            process = pb.start();
            stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        String rest() {
            try {
                stdin.close();
                return stdout.lines().collect(Collectors.joining("\n"));
            } catch (IOException | UncheckedIOException e) {
                return e.toString();
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        var url = SeedSnippetsContract.class.getClassLoader().getResource(name);
        assertThat(url).as("test resource %s", name).isNotNull();
        return Path.of(url.toURI());
    }
}
