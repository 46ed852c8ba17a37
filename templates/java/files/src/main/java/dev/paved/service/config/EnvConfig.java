package dev.paved.service.config;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The service's configuration, read from environment variables and checked before anything
 * starts, so that a bad value stops the service with a message that says how to fix it.
 *
 * @param port the TCP port to listen on (PORT)
 * @param host the address to bind (HOST)
 * @param logLevel the root log level (LOG_LEVEL)
 * @param otlpEndpoint the OTLP base URL; tracing is on only when it is set
 * @param otlpProtocol the OTLP transport, http/protobuf or grpc
 */
public record EnvConfig(
    int port, String host, String logLevel, String otlpEndpoint, String otlpProtocol) {

  /** The LOG_LEVEL values accepted, from most to least verbose. */
  public static final List<String> LOG_LEVELS =
      List.of("trace", "debug", "info", "warn", "error", "fatal", "silent");

  private static final Pattern HOST =
      Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$|^[0-9A-Fa-f:.]{2,45}$");

  /**
   * Reads and validates the configuration.
   *
   * @param env the environment variables
   * @param defaultPort the port used when PORT is not set
   * @return the validated configuration
   * @throws ConfigException when a value is not allowed
   */
  public static EnvConfig fromEnvironment(Map<String, String> env, int defaultPort) {
    int port = parsePort(value(env, "PORT"), defaultPort);
    String host = parseHost(value(env, "HOST"));
    String logLevel = parseLogLevel(value(env, "LOG_LEVEL"));
    String endpoint = parseEndpoint(value(env, "OTEL_EXPORTER_OTLP_ENDPOINT"));
    String protocol = parseProtocol(value(env, "OTEL_EXPORTER_OTLP_PROTOCOL"));
    return new EnvConfig(port, host, logLevel, endpoint, protocol);
  }

  /** Whether traces are exported. */
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
    props.put("management.tracing.export.enabled", tracingEnabled());
    if (tracingEnabled()) {
      boolean grpc = "grpc".equals(otlpProtocol);
      // The OTLP spec appends the signal path to the base endpoint for HTTP, not for gRPC.
      String base = otlpEndpoint.replaceAll("/+$", "");
      props.put(
          "management.opentelemetry.tracing.export.otlp.endpoint",
          grpc ? base : base + "/v1/traces");
      props.put("management.opentelemetry.tracing.export.otlp.transport", grpc ? "grpc" : "http");
    }
    return props;
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static int parsePort(String raw, int defaultPort) {
    if (raw == null) {
      return defaultPort;
    }
    int port;
    try {
      port = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535 || !raw.matches("\\d+")) {
      throw new ConfigException(
          "PORT must be a whole number from 0 to 65535, got \"" + printable(raw)
              + "\". Set PORT to a free port, for example PORT=8080, or unset it to use "
              + defaultPort + ".");
    }
    return port;
  }

  private static String parseHost(String raw) {
    if (raw == null) {
      return "0.0.0.0";
    }
    if (!HOST.matcher(raw).matches()) {
      throw new ConfigException(
          "HOST must be a host name or an IP address, got \"" + printable(raw)
              + "\". Set HOST=0.0.0.0 to listen on every interface, or unset it.");
    }
    return raw;
  }

  private static String parseLogLevel(String raw) {
    if (raw == null) {
      return "info";
    }
    String level = raw.toLowerCase(Locale.ROOT);
    if (!LOG_LEVELS.contains(level)) {
      throw new ConfigException(
          "LOG_LEVEL must be one of " + String.join(", ", LOG_LEVELS) + ", got \""
              + printable(raw) + "\". Set LOG_LEVEL=info or unset it.");
    }
    return level;
  }

  private static String parseEndpoint(String raw) {
    if (raw == null) {
      return null;
    }
    if (!raw.matches("^https?://[^\\s/]+(/\\S*)?$")) {
      throw new ConfigException(
          "OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL, got \"" + printable(raw)
              + "\". Set it to your collector, for example http://otel-collector:4318,"
              + " or unset it to turn tracing off.");
    }
    return raw;
  }

  private static String parseProtocol(String raw) {
    if (raw == null) {
      return "http/protobuf";
    }
    if (!raw.equals("http/protobuf") && !raw.equals("grpc")) {
      throw new ConfigException(
          "OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or grpc, got \"" + printable(raw)
              + "\". Unset it to use http/protobuf.");
    }
    return raw;
  }

  private static String springLogLevel(String level) {
    return switch (level) {
      case "fatal" -> "error";
      case "silent" -> "off";
      default -> level;
    };
  }

  /** Keeps an echoed value on one short line. */
  private static String printable(String raw) {
    String oneLine = raw.replaceAll("\\p{Cntrl}", "?");
    return oneLine.length() > 64 ? oneLine.substring(0, 64) + "..." : oneLine;
  }
}
