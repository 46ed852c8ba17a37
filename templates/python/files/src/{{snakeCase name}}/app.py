"""Builds the ASGI application: routes, error handlers, middleware, tracing."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from . import health, items
from .config import Settings
from .errors import install_error_handlers
from .health import Lifecycle
from .items import ItemStore
from .metrics import Metrics
from .middleware import RequestContextMiddleware
from .telemetry import setup_tracing

logger = logging.getLogger(__name__)


def create_app(settings: Settings, lifecycle: Lifecycle | None = None) -> FastAPI:
    lifecycle = lifecycle or Lifecycle()
    metrics = Metrics()
    tracer_provider = None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        lifecycle.ready = True
        logger.info("service ready", extra={"tracing": tracer_provider is not None})
        yield
        lifecycle.begin_shutdown()
        if tracer_provider is not None:
            tracer_provider.shutdown()  # flushes the spans still queued
        logger.info("service stopped")

    app = FastAPI(
        title=settings.otel_service_name, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.lifecycle = lifecycle
    app.state.metrics = metrics
    app.state.items = ItemStore()
    app.include_router(health.router)
    app.include_router(items.router)
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware, metrics=metrics, access_log=settings.access_log)
    tracer_provider = setup_tracing(app, settings)
    return app
