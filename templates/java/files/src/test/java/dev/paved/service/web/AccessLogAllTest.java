package dev.paved.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/** ACCESS_LOG=all: an access line for every request, as before ACCESS_LOG existed. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AccessLogAllTest {

    @LocalServerPort private int port;

    private CapturedLogs logs;

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        CapturedLogs.applyEnvironment(Map.of("ACCESS_LOG", "all"), registry);
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
    void everyRequestGetsOneLine() throws Exception {
        HttpResponse<String> created =
                logs.request("POST", "/v1/items", "{\"name\":\"loud\"}", "all-201");
        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("location").orElseThrow();
        assertThat(logs.send("GET", location, null, "all-200")).isEqualTo(200);
        assertThat(logs.send("GET", "/v1/items/nope", null, "all-404")).isEqualTo(404);

        assertThat(statusOf("all-201")).isEqualTo(201);
        assertThat(statusOf("all-200")).isEqualTo(200);
        assertThat(statusOf("all-404")).isEqualTo(404);
    }

    @Test
    void successfulProbesStayQuiet() throws Exception {
        assertThat(logs.send("GET", "/healthz", null, "probe-200")).isEqualTo(200);
        assertThat(logs.send("GET", "/v1/items/nope", null, "after-404")).isEqualTo(404);
        assertThat(logs.accessLinesOf("after-404")).hasSize(1);
        assertThat(logs.accessLinesOf("probe-200")).isEmpty();
    }

    private Object statusOf(String requestId) {
        List<ILoggingEvent> lines = logs.accessLinesOf(requestId);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).getLevel()).isEqualTo(Level.INFO);
        return CapturedLogs.value(lines.get(0), "statusCode");
    }
}
