package dev.paved.service.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The service's configuration, read from environment variables and checked once, before anything
 * starts: a bad value stops the service with a message that names the variable, instead of
 * surfacing later as a confusing runtime error.
 *
 * @param port the TCP port to listen on (PORT)
 * @param host the address to bind (HOST)
 * @param logLevel the root log level (LOG_LEVEL)
 * @param accessLog which requests get an access line (ACCESS_LOG): errors, all or none
 * @param shutdownTimeout how long in-flight requests may take after SIGTERM (SHUTDOWN_TIMEOUT_MS)
 * @param otlpEndpoint the OTLP base URL (OTEL_EXPORTER_OTLP_ENDPOINT); null turns tracing off
 * @param otlpProtocol the OTLP transport (OTEL_EXPORTER_OTLP_PROTOCOL): http/protobuf or grpc
 */
public record EnvConfig(
        int port,
        String host,
        String logLevel,
        String accessLog,
        Duration shutdownTimeout,
        String otlpEndpoint,
        String otlpProtocol) {

    /** The LOG_LEVEL values accepted, the same in every Paved service. */
    public static final List<String> LOG_LEVELS =
            List.of("fatal", "error", "warn", "info", "debug", "trace", "silent");

    /**
     * The ACCESS_LOG values accepted, the same in every Paved service: an access line for the
     * requests that failed (status 400 and up), for every request, or for none.
     */
    public static final List<String> ACCESS_LOGS = List.of("errors", "all", "none");

    /** The ACCESS_LOG value used when it is not set. */
    public static final String DEFAULT_ACCESS_LOG = "errors";

    /** The Spring property that carries ACCESS_LOG to the access log (see RequestIdFilter). */
    public static final String ACCESS_LOG_PROPERTY = "paved.access-log";

    /** What registers Spring's per-request observation filter; left out without tracing. */
    static final String WEBMVC_OBSERVATION_AUTO_CONFIGURATION =
            "org.springframework.boot.webmvc.autoconfigure.WebMvcObservationAutoConfiguration";

    private static final Pattern HOST = Pattern.compile("^[A-Za-z0-9.:\\-\\[\\]%]{1,253}$");

    /**
     * Reads and validates the configuration.
     *
     * @param env the environment variables
     * @param defaultPort the port used when PORT is not set
     * @return the validated configuration
     * @throws ConfigException listing every value that is not allowed
     */
    public static EnvConfig fromEnvironment(Map<String, String> env, int defaultPort) {
        EnvReader read = new EnvReader(env);
        int port = read.integer("PORT", defaultPort, 0, 65535);
        String host =
                read.matching("HOST", "0.0.0.0", HOST, "must be a host name or an IP address");
        String logLevel = read.oneOf("LOG_LEVEL", "info", LOG_LEVELS);
        String accessLog = read.oneOf("ACCESS_LOG", DEFAULT_ACCESS_LOG, ACCESS_LOGS);
        int shutdownMs = read.integer("SHUTDOWN_TIMEOUT_MS", 10_000, 0, 600_000);
        String endpoint = read.httpUrl("OTEL_EXPORTER_OTLP_ENDPOINT");
        List<String> protocols = List.of("http/protobuf", "grpc");
        String protocol = read.oneOf("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", protocols);
        read.throwIfProblems();
        return new EnvConfig(
                port,
                host,
                logLevel,
                accessLog,
                Duration.ofMillis(shutdownMs),
                endpoint,
                protocol);
    }

    /**
     * Whether traces are exported.
     *
     * @return true when an OTLP endpoint is set
     */
    public boolean tracingEnabled() {
        return otlpEndpoint != null;
    }

    /**
     * The Spring properties that apply this configuration. They are defaults: an explicit Spring
     * property (for example SERVER_PORT) still wins, which keeps Spring's own tooling working.
     *
     * @return property names and values
     */
    public Map<String, Object> toSpringProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put("server.port", port);
        props.put("server.address", host);
        props.put("logging.level.root", springLogLevel(logLevel));
        props.put(ACCESS_LOG_PROPERTY, accessLog);
        props.put("spring.lifecycle.timeout-per-shutdown-phase", shutdownTimeout);
        props.put("management.tracing.export.enabled", tracingEnabled());
        // Spring's own observation of each request feeds a span and a second request timer
        // (http_server_requests_seconds, which http_request_duration_seconds already covers).
        // Without an exporter the span is built and dropped, so the observation only costs time.
        // Switched off, its filter still ran on every request (1.8 % of a POST's samples in a
        // profile), so without tracing the filter is not registered at all (the else below).
        props.put("management.observations.enable.http.server.requests", tracingEnabled());
        if (tracingEnabled()) {
            boolean grpc = "grpc".equals(otlpProtocol);
            // The OTLP spec appends the signal path to the base endpoint for HTTP, not for gRPC.
            String base = otlpEndpoint.replaceAll("/+$", "");
            props.put(
                    "management.opentelemetry.tracing.export.otlp.endpoint",
                    grpc ? base : base + "/v1/traces");
            props.put(
                    "management.opentelemetry.tracing.export.otlp.transport",
                    grpc ? "grpc" : "http");
        } else {
            props.put("spring.autoconfigure.exclude", WEBMVC_OBSERVATION_AUTO_CONFIGURATION);
        }
        return props;
    }

    private static String springLogLevel(String level) {
        return switch (level) {
            case "fatal" -> "error";
            case "silent" -> "off";
            default -> level;
        };
    }
}
