package dev.paved.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Readiness turns to 503 when the service refuses traffic, as it does while shutting down. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReadinessTest {

    @LocalServerPort private int port;

    @Autowired private ApplicationContext context;

    @Test
    void readinessFollowsTheAvailabilityState() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest readyz =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build();
        assertThat(client.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(200);

        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        try {
            assertThat(client.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode())
                    .isEqualTo(503);
        } finally {
            // Back to normal, so the other test classes can share this application context.
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        }
    }
}
