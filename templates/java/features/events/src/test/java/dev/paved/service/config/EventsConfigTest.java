package dev.paved.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.Map;

class EventsConfigTest {

    @Test
    void readsTheUrlAndTheDefaults() {
        EventsConfig config =
                EventsConfig.fromEnvironment(
                        Map.of("AMQP_URL", "amqp://orders:s3cret@rabbitmq:5673/shop"), "orders");
        assertThat(config.host()).isEqualTo("rabbitmq");
        assertThat(config.port()).isEqualTo(5673);
        assertThat(config.tls()).isFalse();
        assertThat(config.virtualHost()).isEqualTo("shop");
        assertThat(config.user()).isEqualTo("orders");
        assertThat(config.password()).isEqualTo("s3cret");
        assertThat(config.exchange()).isEqualTo("events");
        assertThat(config.queue()).isEqualTo("orders");
        assertThat(config.deadLetterQueue()).isEqualTo("orders.dead-letter");
        assertThat(config.maxAttempts()).isEqualTo(5);
    }

    @Test
    void defaultsThePortAndVirtualHostAndTakesThePasswordVariable() {
        EventsConfig config =
                EventsConfig.fromEnvironment(
                        Map.of(
                                "AMQP_URL", "amqps://orders:old@rabbitmq",
                                "AMQP_PASSWORD", "from-secret",
                                "EVENTS_EXCHANGE", "shop-events",
                                "EVENTS_QUEUE", "orders-v2",
                                "EVENTS_MAX_ATTEMPTS", "7"),
                        "orders");
        assertThat(config.tls()).isTrue();
        assertThat(config.port()).isEqualTo(5671);
        assertThat(config.virtualHost()).isEqualTo("/");
        assertThat(config.password()).isEqualTo("from-secret");
        assertThat(config.exchange()).isEqualTo("shop-events");
        assertThat(config.queue()).isEqualTo("orders-v2");
        assertThat(config.maxAttempts()).isEqualTo(7);
        assertThat(config.toString()).doesNotContain("from-secret").doesNotContain("old");
    }

    @Test
    void requiresTheUrl() {
        assertThatThrownBy(() -> EventsConfig.fromEnvironment(Map.of(), "orders"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("AMQP_URL: is required");
    }

    @Test
    void rejectsBadValuesNamingTheVariableWithoutEchoingTheUrl() {
        for (String url :
                new String[] {"http://u:hunter2@rabbitmq", "amqp://u:hunter2@:5672", "hunter2"}) {
            assertThatThrownBy(() -> EventsConfig.fromEnvironment(Map.of("AMQP_URL", url), "o"))
                    .as(url)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("AMQP_URL: must be an amqp://")
                    .hasMessageNotContaining("hunter2");
        }
        assertThatThrownBy(
                        () ->
                                EventsConfig.fromEnvironment(
                                        Map.of(
                                                "AMQP_URL", "amqp://rabbitmq",
                                                "EVENTS_MAX_ATTEMPTS", "0",
                                                "EVENTS_QUEUE", "a queue"),
                                        "o"))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e ->
                                assertThat(e.problems())
                                        .hasSize(2)
                                        .anySatisfy(
                                                p -> assertThat(p).startsWith("EVENTS_MAX_ATT"))
                                        .anySatisfy(p -> assertThat(p).startsWith("EVENTS_QUEUE")));
    }
}
