package service

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
)

// Config is everything the service reads from its environment. It is loaded
// and validated once, at start-up, so a bad deployment fails fast with a
// message instead of misbehaving later.
type Config struct {
	Host     string
	Port     int
	LogLevel slog.Level
	// TracingEnabled is true when OTEL_EXPORTER_OTLP_ENDPOINT is set; the
	// exporter itself reads the standard OTEL_* variables.
	TracingEnabled bool
}

// Addr is the host:port the HTTP server listens on.
func (c Config) Addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// ConfigError lists every invalid variable at once, so one restart is enough
// to fix them all.
type ConfigError struct {
	Problems []string
}

func (e *ConfigError) Error() string {
	return "invalid configuration:\n  - " + strings.Join(e.Problems, "\n  - ")
}

var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug,
	"info":  slog.LevelInfo,
	"warn":  slog.LevelWarn,
	"error": slog.LevelError,
}

// LoadConfig reads the configuration through getenv (os.Getenv in
// production, a map in tests). defaultPort is the port chosen when the
// service was generated.
func LoadConfig(getenv func(string) string, defaultPort int) (Config, error) {
	cfg := Config{Host: "0.0.0.0", Port: defaultPort, LogLevel: slog.LevelInfo}
	var problems []string

	if raw, ok := lookup(getenv, "PORT"); ok {
		port, err := strconv.Atoi(raw)
		if err != nil || port < 1 || port > 65535 {
			problems = append(problems, fmt.Sprintf("PORT must be a whole number from 1 to 65535, got %q", raw))
		} else {
			cfg.Port = port
		}
	}

	if raw, ok := lookup(getenv, "HOST"); ok {
		if strings.ContainsAny(raw, " \t/") || strings.Count(raw, ":") == 1 {
			problems = append(problems, fmt.Sprintf("HOST must be an IP address or host name without a port (e.g. 0.0.0.0 or ::), got %q", raw))
		} else {
			cfg.Host = raw
		}
	}

	if raw, ok := lookup(getenv, "LOG_LEVEL"); ok {
		level, known := logLevels[strings.ToLower(raw)]
		if !known {
			problems = append(problems, fmt.Sprintf("LOG_LEVEL must be one of debug, info, warn, error, got %q", raw))
		} else {
			cfg.LogLevel = level
		}
	}

	if _, ok := lookup(getenv, "OTEL_EXPORTER_OTLP_ENDPOINT"); ok {
		cfg.TracingEnabled = true
		// Only the HTTP exporter is compiled in: keeping gRPC out keeps the
		// binary small. Say so rather than silently sending nothing.
		if raw, set := lookup(getenv, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"); set && raw != "http/protobuf" {
			problems = append(problems, fmt.Sprintf("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be http/protobuf (the only OTLP protocol this service supports), got %q", raw))
		} else if raw, set := lookup(getenv, "OTEL_EXPORTER_OTLP_PROTOCOL"); set && raw != "http/protobuf" {
			problems = append(problems, fmt.Sprintf("OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf (the only OTLP protocol this service supports), got %q", raw))
		}
	}

	if len(problems) > 0 {
		return Config{}, &ConfigError{Problems: problems}
	}
	return cfg, nil
}

// lookup treats an empty variable as unset, as most deployment tools write
// "FOO=" when they mean "no value".
func lookup(getenv func(string) string, name string) (string, bool) {
	raw := strings.TrimSpace(getenv(name))
	return raw, raw != ""
}
