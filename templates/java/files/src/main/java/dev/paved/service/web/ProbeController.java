package dev.paved.service.web;

import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * The Kubernetes probes, on the paths every Paved service uses. They answer from Spring Boot's
 * liveness and readiness health groups, so anything that joins a group (a database check, the
 * readiness state that turns to refusing traffic on shutdown) counts, with plain application/json
 * bodies.
 */
@RestController
public class ProbeController {

    private final HealthEndpoint health;

    /**
     * Creates the controller.
     *
     * @param health the actuator health endpoint that holds the groups
     */
    public ProbeController(HealthEndpoint health) {
        this.health = health;
    }

    /**
     * Liveness: the process can serve HTTP. Never depends on other systems, or an outage of a
     * dependency would make Kubernetes restart every replica at once.
     */
    @GetMapping(path = "/healthz", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, String>> liveness() {
        return answer("liveness");
    }

    /** Readiness: send me traffic. 503 while shutting down or when a dependency is down. */
    @GetMapping(path = "/readyz", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, String>> readiness() {
        return answer("readiness");
    }

    private ResponseEntity<Map<String, String>> answer(String group) {
        HealthDescriptor result = health.healthForPath(group);
        Status status = result == null ? Status.UNKNOWN : result.getStatus();
        HttpStatus http = Status.UP.equals(status) ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE;
        return ResponseEntity.status(http).body(Map.of("status", status.getCode()));
    }
}
