package dev.paved.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/** ACCESS_LOG unset (errors): an access line for every request that failed, none otherwise. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(CapturedLogs.FailingRoute.class)
class AccessLogDefaultTest {

    @LocalServerPort private int port;

    private CapturedLogs logs;

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        CapturedLogs.applyEnvironment(Map.of(), registry);
    }

    @BeforeEach
    void capture() {
        logs = new CapturedLogs(port);
    }

    @AfterEach
    void release() {
        logs.close();
    }

    @Test
    void successfulRequestsGetNoLine() throws Exception {
        HttpResponse<String> created =
                logs.request("POST", "/v1/items", "{\"name\":\"quiet\"}", "ok-201");
        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("location").orElseThrow();
        assertThat(logs.send("GET", location, null, "ok-200")).isEqualTo(200);
        assertThat(logs.send("GET", "/healthz", null, "probe-200")).isEqualTo(200);
        // A failed request after them: once its line is there, theirs would be too.
        assertThat(logs.send("GET", "/v1/items/nope", null, "after-404")).isEqualTo(404);
        assertThat(logs.accessLinesOf("after-404")).hasSize(1);

        assertThat(logs.eventsOf("ok-201")).isEmpty();
        assertThat(logs.eventsOf("ok-200")).isEmpty();
        assertThat(logs.eventsOf("probe-200")).isEmpty();
    }

    @Test
    void failedRequestsGetOneLineEach() throws Exception {
        assertThat(logs.send("GET", "/v1/items/nope", null, "missing-404")).isEqualTo(404);
        assertThat(logs.send("POST", "/v1/items", "{}", "invalid-400")).isEqualTo(400);
        assertThat(logs.send("GET", "/fail", null, "failed-500")).isEqualTo(500);

        assertLine("missing-404", "GET", "/v1/items/nope", "/v1/items/{id}", 404);
        assertLine("invalid-400", "POST", "/v1/items", "/v1/items", 400);
        assertLine("failed-500", "GET", "/fail", "/fail", 500);
        // The error handler's own line about the 500 is there as well.
        assertThat(logs.eventsOf("failed-500"))
                .anySatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.ERROR));
    }

    private void assertLine(
            String requestId, String method, String path, String route, int status) {
        List<ILoggingEvent> lines = logs.accessLinesOf(requestId);
        assertThat(lines).hasSize(1);
        ILoggingEvent line = lines.get(0);
        assertThat(line.getLevel()).isEqualTo(Level.INFO);
        assertThat(CapturedLogs.value(line, "method")).isEqualTo(method);
        assertThat(CapturedLogs.value(line, "path")).isEqualTo(path);
        assertThat(CapturedLogs.value(line, "route")).isEqualTo(route);
        assertThat(CapturedLogs.value(line, "statusCode")).isEqualTo(status);
        assertThat(CapturedLogs.value(line, "durationMs")).isInstanceOf(Double.class);
    }
}
