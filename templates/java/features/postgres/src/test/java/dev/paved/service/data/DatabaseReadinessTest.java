package dev.paved.service.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import tools.jackson.databind.json.JsonMapper;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** /readyz checks the database; /healthz never does. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatabaseReadinessTest {

    @LocalServerPort private int port;

    @Autowired private JsonMapper json;

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyWhenTheDatabaseAnswers() throws Exception {
        HttpResponse<String> ready = get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json.readTree(ready.body()).get("status").asString()).isEqualTo("ready");
        assertThat(json.readTree(ready.body()).get("checks").get("database").asString())
                .isEqualTo("ok");
    }

    @Test
    void failsWhenTheDatabaseCannotAnswer() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        // A pool that starts without connecting (the service's own refuses to start instead).
        HikariConfig nowhere = new HikariConfig();
        nowhere.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/nowhere");
        nowhere.setConnectionTimeout(DatabaseConfiguration.CONNECTION_TIMEOUT.toMillis());
        nowhere.setInitializationFailTimeout(-1);
        try (HikariDataSource pool = new HikariDataSource(nowhere)) {
            long started = System.nanoTime();
            Status status = new DatabaseHealthIndicator(pool).health().getStatus();
            assertThat(status).isEqualTo(Status.DOWN);
            assertThat((System.nanoTime() - started) / 1_000_000)
                    .as("gives up within the connection timeout")
                    .isLessThan(DatabaseConfiguration.CONNECTION_TIMEOUT.toMillis() + 2_000);
        }
    }
}
