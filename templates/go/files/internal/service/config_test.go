package service

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := LoadConfig(env(nil), "svc", 8080)
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	want := Config{ServiceName: "svc", Host: "0.0.0.0", Port: 8080, LogLevel: slog.LevelInfo, AccessLog: AccessLogErrors, ShutdownTimeout: 10 * time.Second}
	if cfg != want {
		t.Fatalf("got %+v, want %+v", cfg, want)
	}
	if cfg.Addr() != "0.0.0.0:8080" {
		t.Fatalf("Addr() = %q", cfg.Addr())
	}
}

func TestLoadConfigReadsEveryVariable(t *testing.T) {
	cfg, err := LoadConfig(env(map[string]string{
		"PORT":                        "9090",
		"HOST":                        "::1",
		"LOG_LEVEL":                   "DEBUG",
		"ACCESS_LOG":                  "ALL",
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318",
		"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
		"OTEL_SERVICE_NAME":           "renamed",
		"SHUTDOWN_TIMEOUT_MS":         "2500",
	}), "svc", 8080)
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if cfg.Port != 9090 || cfg.Host != "::1" || cfg.LogLevel != slog.LevelDebug || cfg.AccessLog != AccessLogAll || !cfg.TracingEnabled() ||
		cfg.ServiceName != "renamed" || cfg.ShutdownTimeout != 2500*time.Millisecond {
		t.Fatalf("unexpected config %+v", cfg)
	}
	if cfg.Addr() != "[::1]:9090" {
		t.Fatalf("Addr() = %q", cfg.Addr())
	}
}

func TestLoadConfigTreatsEmptyAsUnset(t *testing.T) {
	cfg, err := LoadConfig(env(map[string]string{"PORT": "", "LOG_LEVEL": "  ", "ACCESS_LOG": " ", "OTEL_EXPORTER_OTLP_ENDPOINT": ""}), "svc", 3000)
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if cfg.Port != 3000 || cfg.LogLevel != slog.LevelInfo || cfg.AccessLog != AccessLogErrors || cfg.TracingEnabled() {
		t.Fatalf("unexpected config %+v", cfg)
	}
}

func TestLoadConfigRejectsBadValues(t *testing.T) {
	cases := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"port not a number", map[string]string{"PORT": "eighty"}, `PORT: must be a whole number from 0 to 65535 (got "eighty")`},
		{"port negative", map[string]string{"PORT": "-1"}, `PORT: must be a whole number from 0 to 65535 (got "-1")`},
		{"port too big", map[string]string{"PORT": "65536"}, `(got "65536")`},
		{"shutdown timeout not a number", map[string]string{"SHUTDOWN_TIMEOUT_MS": "10s"}, `SHUTDOWN_TIMEOUT_MS: must be a whole number from 0 to 600000 (got "10s")`},
		{"host with port", map[string]string{"HOST": "0.0.0.0:80"}, `HOST: must be an IP address or host name without a port`},
		{"unknown log level", map[string]string{"LOG_LEVEL": "verbose"}, `LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")`},
		{"unknown access log", map[string]string{"ACCESS_LOG": "Loud"}, `ACCESS_LOG: must be one of errors, all, none (got "Loud")`},
		{"access log as a boolean", map[string]string{"ACCESS_LOG": "true"}, `ACCESS_LOG: must be one of errors, all, none (got "true")`},
		{"endpoint not a URL", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"}, `OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL starting with http:// or https://`},
		{"grpc protocol", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, `OTEL_EXPORTER_OTLP_PROTOCOL: must be http/protobuf`},
		{"grpc traces protocol", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc"}, `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: must be http/protobuf`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadConfig(env(tc.vars), "svc", 8080)
			var cfgErr *ConfigError
			if !errors.As(err, &cfgErr) {
				t.Fatalf("want a *ConfigError, got %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestLoadConfigReportsAllProblemsAtOnce(t *testing.T) {
	_, err := LoadConfig(env(map[string]string{"PORT": "-1", "LOG_LEVEL": "loud", "ACCESS_LOG": "loud"}), "svc", 8080)
	var cfgErr *ConfigError
	if !errors.As(err, &cfgErr) || len(cfgErr.Problems) != 3 {
		t.Fatalf("want three problems, got %v", err)
	}
}

func TestLogLevelsMatchTheOtherTemplates(t *testing.T) {
	for name, want := range map[string]slog.Level{"trace": slog.LevelDebug - 4, "debug": slog.LevelDebug, "WARN": slog.LevelWarn, "fatal": slog.LevelError + 4, "silent": levelSilent} {
		cfg, err := LoadConfig(env(map[string]string{"LOG_LEVEL": name}), "svc", 8080)
		if err != nil || cfg.LogLevel != want {
			t.Errorf("LOG_LEVEL=%s: level %v, err %v", name, cfg.LogLevel, err)
		}
	}
}

func TestAccessLogValues(t *testing.T) {
	for raw, want := range map[string]AccessLog{
		"errors": AccessLogErrors, "all": AccessLogAll, "none": AccessLogNone,
		"ERRORS": AccessLogErrors, "All": AccessLogAll, " NONE ": AccessLogNone,
	} {
		cfg, err := LoadConfig(env(map[string]string{"ACCESS_LOG": raw}), "svc", 8080)
		if err != nil || cfg.AccessLog != want {
			t.Errorf("ACCESS_LOG=%q: mode %v, err %v; want %v", raw, cfg.AccessLog, err, want)
		}
	}
}
