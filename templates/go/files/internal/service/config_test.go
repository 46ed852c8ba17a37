package service

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := LoadConfig(env(nil), 8080)
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	want := Config{Host: "0.0.0.0", Port: 8080, LogLevel: slog.LevelInfo}
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
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318",
		"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
	}), 8080)
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if cfg.Port != 9090 || cfg.Host != "::1" || cfg.LogLevel != slog.LevelDebug || !cfg.TracingEnabled {
		t.Fatalf("unexpected config %+v", cfg)
	}
	if cfg.Addr() != "[::1]:9090" {
		t.Fatalf("Addr() = %q", cfg.Addr())
	}
}

func TestLoadConfigTreatsEmptyAsUnset(t *testing.T) {
	cfg, err := LoadConfig(env(map[string]string{"PORT": "", "LOG_LEVEL": "  ", "OTEL_EXPORTER_OTLP_ENDPOINT": ""}), 3000)
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if cfg.Port != 3000 || cfg.LogLevel != slog.LevelInfo || cfg.TracingEnabled {
		t.Fatalf("unexpected config %+v", cfg)
	}
}

func TestLoadConfigRejectsBadValues(t *testing.T) {
	cases := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"port not a number", map[string]string{"PORT": "eighty"}, `PORT must be a whole number from 1 to 65535, got "eighty"`},
		{"port zero", map[string]string{"PORT": "0"}, `PORT must be a whole number from 1 to 65535, got "0"`},
		{"port too big", map[string]string{"PORT": "65536"}, `got "65536"`},
		{"host with port", map[string]string{"HOST": "0.0.0.0:80"}, `HOST must be an IP address or host name without a port`},
		{"unknown log level", map[string]string{"LOG_LEVEL": "verbose"}, `LOG_LEVEL must be one of debug, info, warn, error, got "verbose"`},
		{"grpc protocol", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, `OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf`},
		{"grpc traces protocol", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc"}, `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be http/protobuf`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadConfig(env(tc.vars), 8080)
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
	_, err := LoadConfig(env(map[string]string{"PORT": "-1", "LOG_LEVEL": "loud"}), 8080)
	var cfgErr *ConfigError
	if !errors.As(err, &cfgErr) || len(cfgErr.Problems) != 2 {
		t.Fatalf("want two problems, got %v", err)
	}
}
