package dev.paved.service.web;

import dev.paved.service.config.EnvConfig;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every request an id (the caller's x-request-id when it is sane, a new UUID otherwise), puts
 * it in the logging context and the response header, and writes the access log line ("request
 * completed") for the requests ACCESS_LOG selects: by default only those that failed (status 400
 * and up).
 */
@Component
// Inside Spring's observation filter (HIGHEST_PRECEDENCE + 1), so the access log line carries
// the trace and span ids too.
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class RequestIdFilter extends OncePerRequestFilter {

    /** The header that carries the request id, in both directions. */
    public static final String HEADER = "x-request-id";

    /** The logging context (MDC) key and request attribute that hold the id. */
    public static final String KEY = "requestId";

    /** The longest incoming id that is accepted. */
    private static final int MAX_LENGTH = 128;

    // Probes and scrapes arrive every few seconds; their successes are not worth a log line,
    // even with ACCESS_LOG=all.
    private static final Set<String> QUIET_PATHS = Set.of("/healthz", "/readyz", "/metrics");

    private static final Logger LOG = LoggerFactory.getLogger("http");

    /** Whether a request that failed (status 400 and up) gets an access line: errors and all. */
    private final boolean logFailures;

    /** Whether a successful request gets an access line (quiet paths aside): all only. */
    private final boolean logSuccesses;

    /**
     * Creates the filter.
     *
     * @param accessLog which requests get an access line: errors, all or none (ACCESS_LOG, read
     *     and checked by EnvConfig, which passes it on as a Spring property)
     */
    public RequestIdFilter(
            @Value("${" + EnvConfig.ACCESS_LOG_PROPERTY + ":" + EnvConfig.DEFAULT_ACCESS_LOG + "}")
                    String accessLog) {
        String mode = accessLog.trim().toLowerCase(Locale.ROOT);
        if (!EnvConfig.ACCESS_LOGS.contains(mode)) {
            throw new IllegalArgumentException(
                    EnvConfig.ACCESS_LOG_PROPERTY
                            + ": must be one of "
                            + String.join(", ", EnvConfig.ACCESS_LOGS)
                            + " (got \""
                            + accessLog
                            + "\")");
        }
        logFailures = !"none".equals(mode);
        logSuccesses = "all".equals(mode);
    }

    @Override
    protected void doFilterInternal(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String incoming = request.getHeader(HEADER);
        String id = isAcceptable(incoming) ? incoming : newId();
        request.setAttribute(KEY, id);
        response.setHeader(HEADER, id);
        MDC.put(KEY, id);
        long start = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            // Decided from the status and the mode fixed at start-up: a request without a line
            // builds nothing for it.
            boolean log =
                    response.getStatus() >= 400
                            ? logFailures
                            : logSuccesses && !QUIET_PATHS.contains(request.getRequestURI());
            if (log) {
                logCompleted(request, response, start);
            }
            MDC.remove(KEY);
        }
    }

    /**
     * Whether an incoming id may be used as is. Ids are echoed into logs and headers, so only a
     * safe alphabet ([A-Za-z0-9._:-], 1 to 128 characters) is accepted; anything else gets a fresh
     * id rather than being trusted. A plain loop: this runs on every request.
     */
    static boolean isAcceptable(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean safe =
                    (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == '.'
                            || c == '_'
                            || c == ':'
                            || c == '-';
            if (!safe) {
                return false;
            }
        }
        return true;
    }

    /**
     * A new random id in the UUID v4 format. A request id must be unique, not unguessable, so it
     * comes from ThreadLocalRandom: UUID.randomUUID() draws from a SecureRandom that every request
     * thread would queue for (measured as lock contention under load).
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
        return new UUID(high, low).toString();
    }

    private static void logCompleted(
            HttpServletRequest request, HttpServletResponse response, long start) {
        LOG.atInfo()
                .setMessage("request completed")
                .addKeyValue("method", request.getMethod())
                .addKeyValue("path", request.getRequestURI())
                .addKeyValue("route", HttpMetricsFilter.routeOf(request))
                .addKeyValue("statusCode", response.getStatus())
                .addKeyValue("durationMs", (System.nanoTime() - start) / 1_000_000.0)
                .log();
    }

    /**
     * The id of the current request.
     *
     * @param request the request
     * @return the id, or "unknown" outside a request
     */
    public static String idOf(HttpServletRequest request) {
        Object id = request.getAttribute(KEY);
        return id instanceof String s ? s : "unknown";
    }
}
