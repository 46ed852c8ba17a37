package dev.paved.service.events;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The W3C trace context (traceparent, tracestate) an event carries in its AMQP headers, so the
 * consumer continues the trace of the request that caused it. With tracing on, it is the current
 * span's; with tracing off (no span is made), the incoming request's headers are passed on as
 * they came, so the trace id still reaches the consumers.
 */
public final class TraceHeaders {

    /** The W3C header names, also the AMQP header names. */
    public static final String TRACEPARENT = "traceparent";

    /** See {@link #TRACEPARENT}. */
    public static final String TRACESTATE = "tracestate";

    private static final Pattern VALID_TRACEPARENT =
            Pattern.compile("^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$");

    // The W3C limit for tracestate.
    private static final int MAX_TRACESTATE = 512;

    private final Tracer tracer;
    private final Propagator propagator;

    /**
     * Creates the source of trace headers.
     *
     * @param tracer the tracer, or null when there is none
     * @param propagator the W3C propagator, or null when there is none
     */
    public TraceHeaders(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /**
     * The trace context of the work in progress on this thread.
     *
     * @return traceparent (and tracestate) to send, or an empty map outside any trace
     */
    public Map<String, String> current() {
        Span span = tracer == null ? null : tracer.currentSpan();
        if (span != null && propagator != null) {
            Map<String, String> injected = new LinkedHashMap<>();
            propagator.inject(span.context(), injected, Map::put);
            return of(injected.get(TRACEPARENT), injected.get(TRACESTATE));
        }
        if (RequestContextHolder.getRequestAttributes()
                instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            return of(request.getHeader(TRACEPARENT), request.getHeader(TRACESTATE));
        }
        return Map.of();
    }

    /**
     * The headers to send for a traceparent and tracestate, dropping values that are not valid
     * (they come from clients and other services).
     *
     * @param traceparent the traceparent, or null
     * @param tracestate the tracestate, or null
     * @return the valid headers, possibly none
     */
    public static Map<String, String> of(String traceparent, String tracestate) {
        if (traceparent == null || !VALID_TRACEPARENT.matcher(traceparent.trim()).matches()) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(TRACEPARENT, traceparent.trim());
        if (tracestate != null
                && !tracestate.isBlank()
                && tracestate.length() <= MAX_TRACESTATE
                && tracestate.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            headers.put(TRACESTATE, tracestate.trim());
        }
        return headers;
    }
}
