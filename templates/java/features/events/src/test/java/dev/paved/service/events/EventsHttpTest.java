package dev.paved.service.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The running service with the events feature: readiness, metrics, trace context of events. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EventsHttpTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @LocalServerPort private int port;

    @Autowired private JsonMapper json;

    @Autowired private JdbcClient jdbc;

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    @Test
    void readinessChecksTheDatabaseAndTheBroker() throws Exception {
        HttpResponse<String> ready = send(request("/readyz"));
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(ready.body());
        assertThat(body.get("status").asString()).isEqualTo("ready");
        assertThat(body.get("checks").get("database").asString()).isEqualTo("ok");
        assertThat(body.get("checks").get("broker").asString()).isEqualTo("ok");
    }

    @Test
    void exposesTheOutboxAndConsumerMetrics() throws Exception {
        String metrics = send(request("/metrics")).body();
        for (String name :
                new String[] {
                    "outbox_pending_events",
                    "outbox_oldest_pending_age_seconds",
                    "outbox_published_total",
                    "outbox_publish_failures_total",
                    "consumer_processed_total",
                    "consumer_duplicates_total",
                    "consumer_redeliveries_total",
                    "consumer_dead_lettered_total",
                }) {
            assertThat(metrics).containsPattern("(?m)^" + name + " ");
        }
    }

    @Test
    void anEventCarriesTheTraceOfTheRequestThatCausedIt() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> created =
                send(
                        request("/v1/items")
                                .header("content-type", "application/json")
                                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"name\":\"traced\"}")));
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode item = json.readTree(created.body());
        assertThat(item.get("status").asString()).isEqualTo("active");
        String headers =
                jdbc.sql("SELECT headers::text FROM outbox WHERE event->>'subject' = ?")
                        .param(item.get("id").asString())
                        .query(String.class)
                        .single();
        assertThat(json.readTree(headers).get("traceparent").asString())
                .matches("00-" + traceId + "-[0-9a-f]{16}-[0-9a-f]{2}");
    }
}
