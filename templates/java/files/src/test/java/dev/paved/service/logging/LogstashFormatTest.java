package dev.paved.service.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;

import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.logging.structured.StructuredLogFormatter;
import org.springframework.boot.logging.structured.StructuredLogFormatterFactory;
import org.springframework.mock.env.MockEnvironment;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

class LogstashFormatTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static LogstashFormat format() {
        ThrowableProxyConverter converter = new ThrowableProxyConverter();
        converter.start();
        // Built the way Spring Boot's logging system builds it (ContextPairs comes from there).
        StructuredLogFormatter<ILoggingEvent> created =
                new StructuredLogFormatterFactory<>(
                                ILoggingEvent.class,
                                new MockEnvironment(),
                                parameters ->
                                        parameters.add(ThrowableProxyConverter.class, converter),
                                formats -> {})
                        .get(LogstashFormat.class.getName());
        return (LogstashFormat) created;
    }

    @Test
    void writesOneLogstashJsonLineWithContextAndKeyValues() {
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent();
        event.setLoggerName("http");
        event.setLevel(Level.INFO);
        event.setMessage("request completed");
        event.setThreadName("main");
        event.setInstant(Instant.parse("2026-01-02T03:04:05.678Z"));
        event.setLoggerContext(context);
        event.setMDCPropertyMap(Map.of("requestId", "r-1"));
        event.addKeyValuePair(new KeyValuePair("statusCode", 200));

        byte[] bytes = format().formatAsBytes(event, StandardCharsets.UTF_8);
        String line = new String(bytes, StandardCharsets.UTF_8);

        assertThat(line).endsWith("\n").doesNotContain("\n{");
        JsonNode json = JSON.readTree(line);
        assertThat(json.get("message").asString()).isEqualTo("request completed");
        assertThat(json.get("logger_name").asString()).isEqualTo("http");
        assertThat(json.get("level").asString()).isEqualTo("INFO");
        assertThat(json.get("level_value").asInt()).isEqualTo(20000);
        assertThat(json.get("@version").asString()).isEqualTo("1");
        assertThat(OffsetDateTime.parse(json.get("@timestamp").asString()).toInstant())
                .isEqualTo(Instant.parse("2026-01-02T03:04:05.678Z"));
        assertThat(json.get("requestId").asString()).isEqualTo("r-1");
        assertThat(json.get("statusCode").asInt()).isEqualTo(200);
        assertThat(json.has("stack_trace")).isFalse();
    }
}
