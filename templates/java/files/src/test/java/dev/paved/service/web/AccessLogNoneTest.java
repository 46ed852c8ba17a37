package dev.paved.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.Map;

/** ACCESS_LOG=none: no access line at all; the other logs stay. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(CapturedLogs.FailingRoute.class)
class AccessLogNoneTest {

    @LocalServerPort private int port;

    private CapturedLogs logs;

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        CapturedLogs.applyEnvironment(Map.of("ACCESS_LOG", "none"), registry);
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
    void noRequestGetsALineButTheErrorIsStillLogged() throws Exception {
        assertThat(logs.send("POST", "/v1/items", "{\"name\":\"x\"}", "none-201")).isEqualTo(201);
        assertThat(logs.send("GET", "/v1/items/nope", null, "none-404")).isEqualTo(404);
        assertThat(logs.send("GET", "/fail", null, "none-500")).isEqualTo(500);

        // The error handler logs the 500 while handling it, before the access line would come.
        assertThat(logs.eventsOf("none-500"))
                .singleElement()
                .satisfies(e -> assertThat(e.getLevel()).isEqualTo(Level.ERROR));
        assertThat(logs.accessLines()).isEmpty();
    }
}
