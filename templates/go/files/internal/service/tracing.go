package service

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// defaultTracerProvider is the global provider before any is installed; its
// spans record nothing.
var defaultTracerProvider = otel.GetTracerProvider()

// tracingOn reports whether a tracer provider that records spans is
// installed (setupTracing's, or one a test sets), so the middleware can skip
// building spans, with their attributes, that nothing would ever read.
func tracingOn() bool {
	tp := otel.GetTracerProvider()
	if tp == defaultTracerProvider {
		return false
	}
	_, isNoop := tp.(noop.TracerProvider)
	return !isNoop
}

// setupTracing installs a global tracer provider that exports spans over
// OTLP/HTTP, configured by the standard OTEL_* variables (endpoint, headers,
// OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER). When
// tracing is off the global no-op provider stays, which costs nothing.
// The returned function flushes buffered spans; call it before exiting.
func setupTracing(ctx context.Context, cfg Config) (func(context.Context) error, error) {
	// Propagate W3C trace context even when not exporting, so a trace that
	// passes through this service is not broken.
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	if !cfg.TracingEnabled() {
		return func(context.Context) error { return nil }, nil
	}

	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("creating the OTLP trace exporter: %w", err)
	}
	// service.name is cfg.ServiceName (OTEL_SERVICE_NAME or the generated
	// name); OTEL_RESOURCE_ATTRIBUTES adds to it (WithFromEnv comes last).
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", cfg.ServiceName)),
		resource.WithTelemetrySDK(),
		resource.WithFromEnv(),
	)
	if err != nil {
		return nil, fmt.Errorf("describing the OpenTelemetry resource: %w", err)
	}
	provider := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exporter),
		sdktrace.WithResource(res),
	)
	otel.SetTracerProvider(provider)
	return provider.Shutdown, nil
}
