package dev.paved.service;

import ch.qos.logback.classic.LoggerContext;

import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

import java.time.Duration;

/**
 * Gives a requested stop (SIGTERM, SIGINT) the exit status every Paved service uses: 0 when
 * in-flight requests finished in time, 1 when SHUTDOWN_TIMEOUT_MS ran out first.
 *
 * <p>On SIGTERM the JVM runs its shutdown hooks, then exits with 128 + 15 = 143. Spring Boot's hook
 * does the real work first: readiness turns to refusing traffic, the web server stops accepting
 * connections and waits for in-flight requests (server.shutdown=graceful, at most the timeout), and
 * the context closes. Spring runs its shutdown handlers only after that, the last added first: the
 * one added here runs before Spring's own logging shutdown, so it stops the logging system itself
 * (log lines are written by a background thread, see logback-spring.xml, and the lines still
 * queued must reach stdout), then ends the process with our status.
 *
 * <p>It is armed once the service has started, so a failed start still exits non-zero. After that,
 * a System.exit call with another status would end with this one: stop the service with a signal,
 * or use Runtime.halt for a deliberate failure status.
 */
final class GracefulShutdown implements ApplicationListener<ContextClosedEvent> {

    private final Duration timeout;

    /** System.nanoTime() when the context began to close; 0 while it has not. */
    private volatile long closingSince;

    GracefulShutdown(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (closingSince == 0) {
            closingSince = System.nanoTime();
        }
    }

    /** Ends the process with {@link #exitStatus()} once Spring has finished shutting down. */
    void armExitStatus() {
        SpringApplication.getShutdownHandlers()
                .add(
                        () -> {
                            flushLogs();
                            Runtime.getRuntime().halt(exitStatus());
                        });
    }

    /** Writes out the queued log lines: halt() skips whatever would otherwise do it. */
    private static void flushLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.stop();
        }
    }

    /**
     * The status to exit with: 1 when closing took the whole timeout (in-flight requests were cut
     * off), 0 otherwise.
     */
    int exitStatus() {
        long since = closingSince;
        boolean timedOut = since != 0 && System.nanoTime() - since >= timeout.toNanos();
        return timedOut ? 1 : 0;
    }
}
