package service

import (
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is everything the service reads from its environment. It is loaded
// and validated once, at start-up, so a bad deployment fails fast with a
// message instead of misbehaving later.
type Config struct {
	// ServiceName is reported in logs, metrics and traces (OTEL_SERVICE_NAME
	// overrides the generated name).
	ServiceName string
	Host        string
	Port        int
	LogLevel    slog.Level
	// AccessLog picks the requests that get a "request completed" line
	// (ACCESS_LOG); LogLevel still applies to those lines.
	AccessLog AccessLog
	// ShutdownTimeout bounds how long in-flight requests may run after SIGTERM.
	ShutdownTimeout time.Duration
	// OTLPEndpoint turns tracing on when set; the exporter itself also reads
	// the other standard OTEL_* variables (headers, timeout, sampler, ...).
	OTLPEndpoint string
}

// TracingEnabled reports whether spans are exported.
func (c Config) TracingEnabled() bool { return c.OTLPEndpoint != "" }

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
	return "Invalid configuration:\n  - " + strings.Join(e.Problems, "\n  - ")
}

// levelSilent is above every level the service logs at.
const levelSilent = slog.Level(1 << 10)

// The same names every Paved template accepts, so one LOG_LEVEL works for
// services in any language.
var logLevels = []struct {
	name  string
	level slog.Level
}{
	{"fatal", slog.LevelError + 4},
	{"error", slog.LevelError},
	{"warn", slog.LevelWarn},
	{"info", slog.LevelInfo},
	{"debug", slog.LevelDebug},
	{"trace", slog.LevelDebug - 4},
	{"silent", levelSilent},
}

// AccessLog says which requests get an access line ("request completed").
// The zero value is the default, AccessLogErrors.
type AccessLog uint8

const (
	// AccessLogErrors logs the requests that failed (status 400 and up):
	// metrics and traces cover the successful ones.
	AccessLogErrors AccessLog = iota
	// AccessLogAll logs every request (probes and /metrics at debug while
	// they succeed).
	AccessLogAll
	// AccessLogNone logs no access lines; other lines (a panic, ...) stay.
	AccessLogNone
)

// accessLogs are the ACCESS_LOG values, the same in every Paved template.
var accessLogs = []struct {
	name string
	mode AccessLog
}{
	{"errors", AccessLogErrors},
	{"all", AccessLogAll},
	{"none", AccessLogNone},
}

func (a AccessLog) String() string {
	for _, m := range accessLogs {
		if m.mode == a {
			return m.name
		}
	}
	return "AccessLog(" + strconv.Itoa(int(a)) + ")"
}

// minStatus is the lowest status that gets an access line: the middleware
// compares it with each request's status and does nothing else for the
// requests below it.
func (a AccessLog) minStatus() int {
	switch a {
	case AccessLogAll:
		return 0
	case AccessLogNone:
		return math.MaxInt
	}
	return http.StatusBadRequest
}

// LoadConfig reads the configuration through getenv (os.Getenv in
// production, a map in tests). name and defaultPort were chosen when the
// service was generated.
func LoadConfig(getenv func(string) string, name string, defaultPort int) (Config, error) {
	var problems []string
	read := func(key string) (string, bool) {
		// An empty variable counts as unset: deployment tools often write
		// "FOO=" when they mean "no value".
		raw := strings.TrimSpace(getenv(key))
		return raw, raw != ""
	}
	integer := func(key string, fallback, lowest, highest int) int {
		raw, ok := read(key)
		if !ok {
			return fallback
		}
		value, err := strconv.Atoi(raw)
		if err != nil || strings.HasPrefix(raw, "+") || value < lowest || value > highest {
			problems = append(problems, fmt.Sprintf("%s: must be a whole number from %d to %d (got %q)", key, lowest, highest, raw))
			return fallback
		}
		return value
	}

	cfg := Config{
		ServiceName:     name,
		Host:            "0.0.0.0",
		Port:            integer("PORT", defaultPort, 0, 65535),
		LogLevel:        slog.LevelInfo,
		AccessLog:       AccessLogErrors,
		ShutdownTimeout: time.Duration(integer("SHUTDOWN_TIMEOUT_MS", 10_000, 0, 600_000)) * time.Millisecond,
	}
	if raw, ok := read("OTEL_SERVICE_NAME"); ok {
		cfg.ServiceName = raw
	}

	if raw, ok := read("HOST"); ok {
		if strings.ContainsAny(raw, " \t/[]") || strings.Count(raw, ":") == 1 {
			problems = append(problems, fmt.Sprintf("HOST: must be an IP address or host name without a port, e.g. 0.0.0.0 or :: (got %q)", raw))
		} else {
			cfg.Host = raw
		}
	}

	if raw, ok := read("LOG_LEVEL"); ok {
		found := false
		names := make([]string, 0, len(logLevels))
		for _, l := range logLevels {
			names = append(names, l.name)
			if strings.EqualFold(raw, l.name) {
				cfg.LogLevel, found = l.level, true
			}
		}
		if !found {
			problems = append(problems, fmt.Sprintf("LOG_LEVEL: must be one of %s (got %q)", strings.Join(names, ", "), strings.ToLower(raw)))
		}
	}

	if raw, ok := read("ACCESS_LOG"); ok {
		found := false
		names := make([]string, 0, len(accessLogs))
		for _, m := range accessLogs {
			names = append(names, m.name)
			if strings.EqualFold(raw, m.name) {
				cfg.AccessLog, found = m.mode, true
			}
		}
		if !found {
			problems = append(problems, fmt.Sprintf("ACCESS_LOG: must be one of %s (got %q)", strings.Join(names, ", "), raw))
		}
	}

	if raw, ok := read("OTEL_EXPORTER_OTLP_ENDPOINT"); ok {
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			problems = append(problems, fmt.Sprintf("OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL starting with http:// or https:// (got %q)", raw))
		} else {
			cfg.OTLPEndpoint = raw
		}
		// Only the OTLP/HTTP exporter is compiled in (gRPC would double the
		// binary): say so rather than silently sending nothing.
		for _, key := range []string{"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"} {
			if raw, set := read(key); set && raw != "http/protobuf" {
				problems = append(problems, fmt.Sprintf("%s: must be http/protobuf, the only OTLP protocol this service supports (got %q)", key, raw))
			}
		}
	}

	if len(problems) > 0 {
		return Config{}, &ConfigError{Problems: problems}
	}
	return cfg, nil
}
