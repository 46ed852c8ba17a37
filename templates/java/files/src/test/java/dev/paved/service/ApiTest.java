package dev.paved.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Drives the real server over HTTP, as a client would. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @LocalServerPort private int port;

    @Autowired private JsonMapper json;

    private HttpResponse<String> send(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", "application/json");
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode error(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode error = json.readTree(response.body()).get("error");
        assertThat(error.get("code").asString()).isEqualTo(code);
        assertThat(error.get("message").asString()).isNotBlank();
        assertThat(error.get("requestId").asString())
                .isEqualTo(response.headers().firstValue("x-request-id").orElseThrow());
        return error;
    }

    @Test
    void createsAnItemAndReadsItBack() throws Exception {
        HttpResponse<String> created =
                send("POST", "/v1/items", "{\"name\":\"first\",\"description\":\"the first\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode item = json.readTree(created.body());
        String id = item.get("id").asString();
        assertThat(id).isNotBlank();
        assertThat(item.get("name").asString()).isEqualTo("first");
        assertThat(item.get("description").asString()).isEqualTo("the first");
        assertThat(item.get("createdAt").asString()).isNotBlank();
        assertThat(created.headers().firstValue("location")).hasValue("/v1/items/" + id);

        HttpResponse<String> read = send("GET", "/v1/items/" + id, null);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json.readTree(read.body())).isEqualTo(item);
    }

    @Test
    void unknownItemIsNotFound() throws Exception {
        JsonNode error = error(send("GET", "/v1/items/nope", null), 404, "not_found");
        assertThat(error.get("message").asString()).contains("nope");
    }

    @Test
    void descriptionIsOptional() throws Exception {
        HttpResponse<String> created = send("POST", "/v1/items", "{\"name\":\"plain\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json.readTree(created.body()).get("description").isNull()).isTrue();
    }

    private void assertInvalid(String body, String path) throws Exception {
        JsonNode error = error(send("POST", "/v1/items", body), 400, "validation_failed");
        assertThat(error.get("details").get(0).get("path").asString()).isEqualTo(path);
        assertThat(error.get("details").get(0).get("message").asString()).isNotBlank();
    }

    @Test
    void rejectsInvalidFieldsWithDetails() throws Exception {
        assertInvalid("{}", "/body/name");
        assertInvalid("{\"name\":\"\"}", "/body/name");
        assertInvalid("{\"name\":\"" + "x".repeat(101) + "\"}", "/body/name");
        assertInvalid("{\"name\":42}", "/body/name");
        assertInvalid(
                "{\"name\":\"a\",\"description\":\"" + "d".repeat(1001) + "\"}",
                "/body/description");
        assertInvalid("{\"name\":\"a\",\"extra\":1}", "/body/extra");
        assertInvalid("[]", "/body");
        assertThat(send("POST", "/v1/items", "{\"name\":\"" + "x".repeat(100) + "\"}").statusCode())
                .isEqualTo(201);
    }

    @Test
    void rejectsBodiesThatAreNotJson() throws Exception {
        error(send("POST", "/v1/items", "{\"name\":"), 400, "bad_request");
        error(send("POST", "/v1/items", ""), 400, "bad_request");
        HttpResponse<String> text =
                CLIENT.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/items"))
                                .header("content-type", "text/plain")
                                .POST(HttpRequest.BodyPublishers.ofString("name"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        error(text, 415, "unsupported_media_type");
    }

    @Test
    void unknownRoutesGetTheErrorBody() throws Exception {
        error(send("GET", "/nowhere", null), 404, "not_found");
        error(send("DELETE", "/v1/items/abc", null), 404, "not_found");
    }

    @Test
    void honoursOrGeneratesTheRequestId() throws Exception {
        HttpResponse<String> given = send("GET", "/healthz", null, "x-request-id", "abc-123");
        assertThat(given.headers().firstValue("x-request-id")).hasValue("abc-123");

        HttpResponse<String> unsafe = send("GET", "/healthz", null, "x-request-id", "a b\\c");
        assertThat(unsafe.headers().firstValue("x-request-id").orElseThrow())
                .isNotEqualTo("a b\\c");

        HttpResponse<String> generated = send("GET", "/healthz", null);
        assertThat(generated.headers().firstValue("x-request-id").orElseThrow())
                .matches("[0-9a-f-]{36}");
    }

    @Test
    void probesAnswerJson() throws Exception {
        for (String path : new String[] {"/healthz", "/readyz"}) {
            HttpResponse<String> probe = send("GET", path, null);
            assertThat(probe.statusCode()).isEqualTo(200);
            assertThat(probe.headers().firstValue("content-type").orElseThrow())
                    .startsWith("application/json");
            assertThat(json.readTree(probe.body()).get("status").asString()).isEqualTo("UP");
        }
    }

    @Test
    void exposesTheRequestHistogramAndRuntimeMetrics() throws Exception {
        send("GET", "/v1/items/some-id", null);
        HttpResponse<String> metrics = send("GET", "/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type").orElseThrow())
                .startsWith("text/plain");
        assertThat(metrics.body())
                .contains("# TYPE http_request_duration_seconds histogram")
                .containsPattern(
                        "http_request_duration_seconds_bucket\\{[^}]*method=\"GET\""
                                + "[^}]*route=\"/v1/items/\\{id}\"[^}]*status=\"404\"")
                .contains("le=\"0.005\"", "le=\"10.0\"")
                .doesNotContain("some-id")
                .containsPattern("(?m)^process_[a-z_]+ ")
                .contains("jvm_memory_used_bytes");
    }
}
