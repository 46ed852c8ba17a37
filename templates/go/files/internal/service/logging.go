package service

import (
	"io"
	"log/slog"
	"strings"
)

// NewLogger writes one JSON object per line, the shape log collectors parse
// without configuration. Levels are lower case to match the LOG_LEVEL values.
func NewLogger(w io.Writer, level slog.Level, service string) *slog.Logger {
	handler := slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.LevelKey {
				if lvl, ok := a.Value.Any().(slog.Level); ok {
					a.Value = slog.StringValue(strings.ToLower(lvl.String()))
				}
			}
			return a
		},
	})
	return slog.New(handler).With("service", service)
}
