"""OpenTelemetry tracing, switched on only when OTEL_EXPORTER_OTLP_ENDPOINT is set.

The exporter (OTLP over HTTP/protobuf) reads the standard OTEL_* variables itself:
OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, ...
The SDK is imported lazily so a service without tracing does not pay for it.
"""

import os
from typing import TYPE_CHECKING

from fastapi import FastAPI

from .config import Settings
from .logs import enable_trace_ids

# Probes and scrapes would drown the real traffic in traces.
_EXCLUDED_URLS = "/healthz,/readyz,/metrics"

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider


def setup_tracing(app: FastAPI, settings: Settings) -> "TracerProvider | None":
    if settings.otel_exporter_otlp_endpoint is None:
        return None
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None

    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(
        resource=Resource.create({"service.name": settings.otel_service_name})
    )
    # The exporter takes the endpoint from OTEL_EXPORTER_OTLP_ENDPOINT (adding /v1/traces)
    # or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, like every other OpenTelemetry SDK.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=_EXCLUDED_URLS)
    enable_trace_ids()
    return provider
