package dev.paved.service;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;

/**
 * Turns SIGTERM into an orderly exit with status 0.
 *
 * <p>The JVM's default SIGTERM handling runs the shutdown hooks but then exits with status 143.
 * Kubernetes and most process supervisors treat a clean, requested stop as success, so we handle
 * the signal ourselves: close the context (readiness turns to refusing traffic, the web server
 * stops accepting connections and waits for in-flight requests, see server.shutdown=graceful),
 * then exit with the code Spring reports, which is 0 unless a bean asked for another.
 */
final class GracefulShutdown {

  private GracefulShutdown() {}

  static void onSigterm(ConfigurableApplicationContext context) {
    Signal.handle(new Signal("TERM"), signal -> System.exit(SpringApplication.exit(context)));
  }
}
