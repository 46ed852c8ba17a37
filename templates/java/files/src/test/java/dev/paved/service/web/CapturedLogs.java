package dev.paved.service.web;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.paved.service.config.EnvConfig;

import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/**
 * For tests of the access log against the running service: sends it requests and captures, in
 * memory, every event its real logging system handles while the test runs (an appender on the root
 * logger, next to the service's own).
 */
final class CapturedLogs implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final int port;

    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

    private final ListAppender<ILoggingEvent> appender =
            new ListAppender<>() {
                @Override
                protected void append(ILoggingEvent event) {
                    // The request id (MDC) and the message as they are on the request's thread.
                    event.prepareForDeferredProcessing();
                    super.append(event);
                }
            };

    /**
     * Starts capturing. Call it once the application context has started: starting a context
     * configures logging anew, which removes appenders added before.
     */
    CapturedLogs(int port) {
        this.port = port;
        appender.start();
        root.addAppender(appender);
    }

    /** Applies these environment variables the way main() does: through EnvConfig. */
    static void applyEnvironment(Map<String, String> env, DynamicPropertyRegistry registry) {
        EnvConfig config = EnvConfig.fromEnvironment(env, 0);
        config.toSpringProperties().forEach((name, value) -> registry.add(name, () -> value));
    }

    /** Sends a request with this request id (and a JSON body unless null); returns the status. */
    int send(String method, String path, String body, String requestId)
            throws IOException, InterruptedException {
        return request(method, path, body, requestId).statusCode();
    }

    /** Sends a request with this request id (and a JSON body unless null). */
    HttpResponse<String> request(String method, String path, String body, String requestId)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header(RequestIdFilter.HEADER, requestId)
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", "application/json");
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every event captured so far. */
    List<ILoggingEvent> events() {
        synchronized (appender) { // the lock the appender appends under
            return List.copyOf(appender.list);
        }
    }

    /** The events logged with this request id in the logging context. */
    List<ILoggingEvent> eventsOf(String requestId) {
        return events().stream()
                .filter(e -> requestId.equals(e.getMDCPropertyMap().get(RequestIdFilter.KEY)))
                .toList();
    }

    /** The access lines ("request completed") captured so far. */
    List<ILoggingEvent> accessLines() {
        return events().stream()
                .filter(e -> "http".equals(e.getLoggerName()))
                .filter(e -> "request completed".equals(e.getFormattedMessage()))
                .toList();
    }

    /** The access lines of the request with this id. */
    List<ILoggingEvent> accessLinesOf(String requestId) {
        return accessLines().stream()
                .filter(e -> requestId.equals(e.getMDCPropertyMap().get(RequestIdFilter.KEY)))
                .toList();
    }

    /** A key-value pair of an event (such as an access line's statusCode), or null. */
    static Object value(ILoggingEvent event, String key) {
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                if (key.equals(pair.key)) {
                    return pair.value;
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }

    /**
     * GET /fail throws, which the service answers with a 500. Only in the contexts of the tests
     * that import it: a test component is left out of component scanning.
     */
    @TestComponent
    @RestController
    static class FailingRoute {
        @GetMapping("/fail")
        String fail() {
            throw new IllegalStateException("boom");
        }
    }
}
