package dev.paved.service.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records http_request_duration_seconds, the request duration histogram every Paved service exposes
 * under the same name, labels and buckets whatever its language, so one dashboard fits all.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 11)
public class HttpMetricsFilter extends OncePerRequestFilter {

    /** The route label of requests that matched no route (keeps the label set bounded). */
    public static final String UNMATCHED = "unmatched";

    // The Prometheus client's default buckets, in seconds.
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
                Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
    };

    private final MeterRegistry registry;

    /**
     * The timer of each label set, looked up once: building and registering a Timer on every
     * request (which the registry answers from its own map, after building the meter id and
     * running its filters) was a measurable part of the request cost.
     */
    private final Map<Labels, Timer> timers = new ConcurrentHashMap<>();

    /** The labels of one series. */
    private record Labels(String method, String route, int status) {}

    /**
     * Creates the filter.
     *
     * @param registry where the histogram is registered
     */
    public HttpMetricsFilter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void doFilterInternal(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            Labels labels = new Labels(request.getMethod(), routeOf(request), response.getStatus());
            timers.computeIfAbsent(labels, this::register)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The route template that handled a request (e.g. {@code /v1/items/{id}}), never the raw path,
     * which would give the histogram one series per URL anyone tries.
     *
     * @param request a request that has been through the dispatcher
     * @return the template, or {@link #UNMATCHED} when no route matched
     */
    public static String routeOf(HttpServletRequest request) {
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        return pattern instanceof String p ? p : UNMATCHED;
    }

    private Timer register(Labels labels) {
        return Timer.builder("http.request.duration")
                .description("Duration of HTTP requests")
                .tag("method", labels.method())
                .tag("route", labels.route())
                .tag("status", Integer.toString(labels.status()))
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }
}
