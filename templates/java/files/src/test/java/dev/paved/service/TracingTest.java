package dev.paved.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;

import dev.paved.service.config.EnvConfig;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT set, spans of served requests reach an OTLP/HTTP receiver (an
 * in-process stand-in for the collector).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.opentelemetry.tracing.export.schedule-delay=100ms")
class TracingTest {

    private static final BlockingQueue<String> RECEIVED = new LinkedBlockingQueue<>();
    private static final HttpServer COLLECTOR = startCollector();

    @LocalServerPort private int port;

    private static HttpServer startCollector() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext(
                    "/",
                    exchange -> {
                        byte[] body = exchange.getRequestBody().readAllBytes();
                        RECEIVED.add(
                                exchange.getRequestURI().getPath()
                                        + " "
                                        + exchange.getRequestHeaders().getFirst("content-type")
                                        + " "
                                        + body.length);
                        exchange.sendResponseHeaders(200, -1);
                        exchange.close();
                    });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // The same translation main() applies to the environment.
    @DynamicPropertySource
    static void tracingProperties(DynamicPropertyRegistry registry) {
        String endpoint = "http://127.0.0.1:" + COLLECTOR.getAddress().getPort();
        Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
        EnvConfig config = EnvConfig.fromEnvironment(env, 0);
        config.toSpringProperties().forEach((name, value) -> registry.add(name, () -> value));
    }

    @AfterAll
    static void stopCollector() {
        COLLECTOR.stop(0);
    }

    @Test
    void exportsSpansOverOtlpHttp() throws Exception {
        HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + "/v1/items/traced"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        String export = RECEIVED.poll(20, TimeUnit.SECONDS);
        assertThat(export).as("an OTLP export").isNotNull();
        assertThat(export).startsWith("/v1/traces application/x-protobuf ");
        assertThat(Integer.parseInt(export.substring(export.lastIndexOf(' ') + 1))).isPositive();
    }
}
