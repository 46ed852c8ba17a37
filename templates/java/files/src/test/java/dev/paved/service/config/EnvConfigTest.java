package dev.paved.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;

import java.util.Map;

class EnvConfigTest {

    @Test
    void usesDefaultsWhenNothingIsSet() {
        EnvConfig config = EnvConfig.fromEnvironment(Map.of(), 8080);
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.logLevel()).isEqualTo("info");
        assertThat(config.accessLog()).isEqualTo("errors");
        assertThat(config.tracingEnabled()).isFalse();
        assertThat(config.toSpringProperties())
                .containsEntry("server.port", 8080)
                .containsEntry("paved.access-log", "errors")
                .containsEntry("management.tracing.export.enabled", false)
                .containsEntry("management.observations.enable.http.server.requests", false)
                .containsEntry(
                        "spring.autoconfigure.exclude",
                        EnvConfig.WEBMVC_OBSERVATION_AUTO_CONFIGURATION)
                .doesNotContainKey("management.opentelemetry.tracing.export.otlp.endpoint");
    }

    @Test
    void leavesOutAnAutoConfigurationThatExists() throws ClassNotFoundException {
        // A Spring Boot upgrade that moved the class would turn the exclusion into a silent no-op.
        Class<?> excluded = Class.forName(EnvConfig.WEBMVC_OBSERVATION_AUTO_CONFIGURATION);
        assertThat(excluded.isAnnotationPresent(AutoConfiguration.class)).isTrue();
    }

    @Test
    void readsValidValues() {
        EnvConfig config =
                EnvConfig.fromEnvironment(
                        Map.of("PORT", "9090", "HOST", "127.0.0.1", "LOG_LEVEL", "DEBUG"), 8080);
        assertThat(config.port()).isEqualTo(9090);
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.toSpringProperties()).containsEntry("logging.level.root", "debug");
    }

    @Test
    void readsAccessLogCaseInsensitively() {
        for (String[] pair :
                new String[][] {
                    {"errors", "errors"},
                    {"all", "all"},
                    {"none", "none"},
                    {"ALL", "all"},
                    {"None", "none"},
                    {" Errors ", "errors"},
                }) {
            EnvConfig config = EnvConfig.fromEnvironment(Map.of("ACCESS_LOG", pair[0]), 8080);
            assertThat(config.accessLog()).as(pair[0]).isEqualTo(pair[1]);
            assertThat(config.toSpringProperties()).containsEntry("paved.access-log", pair[1]);
        }
    }

    @Test
    void emptyValuesMeanTheDefault() {
        EnvConfig config =
                EnvConfig.fromEnvironment(Map.of("ACCESS_LOG", "", "LOG_LEVEL", " "), 8080);
        assertThat(config.accessLog()).isEqualTo("errors");
        assertThat(config.logLevel()).isEqualTo("info");
    }

    @Test
    void rejectsBadValuesWithAMessageThatNamesTheVariable() {
        assertThatThrownBy(() -> EnvConfig.fromEnvironment(Map.of("PORT", "http"), 8080))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "PORT: must be a whole number from 0 to 65535 (got \"http\")");
        assertThatThrownBy(() -> EnvConfig.fromEnvironment(Map.of("PORT", "70000"), 8080))
                .hasMessageContaining("PORT");
        assertThatThrownBy(() -> EnvConfig.fromEnvironment(Map.of("PORT", "-1"), 8080))
                .hasMessageContaining("PORT");
        assertThatThrownBy(() -> EnvConfig.fromEnvironment(Map.of("LOG_LEVEL", "loud"), 8080))
                .hasMessageContaining(
                        "LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace");
        assertThatThrownBy(() -> EnvConfig.fromEnvironment(Map.of("ACCESS_LOG", "loud"), 8080))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "ACCESS_LOG: must be one of errors, all, none (got \"loud\")");
        assertThatThrownBy(() -> EnvConfig.fromEnvironment(Map.of("HOST", "a b"), 8080))
                .hasMessageContaining("HOST");
        assertThatThrownBy(
                        () ->
                                EnvConfig.fromEnvironment(
                                        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "nope"), 8080))
                .hasMessageContaining("OTEL_EXPORTER_OTLP_ENDPOINT");
    }

    @Test
    void reportsEveryBadValueAtOnce() {
        assertThatThrownBy(
                        () ->
                                EnvConfig.fromEnvironment(
                                        Map.of("PORT", "x", "SHUTDOWN_TIMEOUT_MS", "-5"), 80))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e ->
                                assertThat(e.problems())
                                        .hasSize(2)
                                        .anySatisfy(p -> assertThat(p).startsWith("PORT: "))
                                        .anySatisfy(
                                                p ->
                                                        assertThat(p)
                                                                .startsWith(
                                                                        "SHUTDOWN_TIMEOUT_MS: ")));
    }

    @Test
    void turnsTracingOnOnlyWithAnEndpoint() {
        EnvConfig http =
                EnvConfig.fromEnvironment(
                        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4318/"), 8080);
        assertThat(http.toSpringProperties())
                .containsEntry("management.tracing.export.enabled", true)
                .containsEntry("management.observations.enable.http.server.requests", true)
                .doesNotContainKey("spring.autoconfigure.exclude")
                .containsEntry(
                        "management.opentelemetry.tracing.export.otlp.endpoint",
                        "http://otel:4318/v1/traces");

        EnvConfig grpc =
                EnvConfig.fromEnvironment(
                        Map.of(
                                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4317",
                                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
                        8080);
        assertThat(grpc.toSpringProperties())
                .containsEntry(
                        "management.opentelemetry.tracing.export.otlp.endpoint", "http://otel:4317")
                .containsEntry("management.opentelemetry.tracing.export.otlp.transport", "grpc");
    }
}
