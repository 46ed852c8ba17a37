"""Liveness, readiness and the metrics endpoint."""

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse


class Lifecycle:
    """Whether the service should get traffic: ready after start-up, not once shutdown begins."""

    def __init__(self) -> None:
        self.ready = False
        self.shutting_down = False

    def begin_shutdown(self) -> None:
        self.shutting_down = True
        self.ready = False


async def healthz() -> dict[str, str]:
    # Liveness: the process answers. Never depends on downstream systems.
    return {"status": "ok"}


async def readyz(request: Request) -> JSONResponse:
    lifecycle: Lifecycle = request.app.state.lifecycle
    if lifecycle.ready:
        return JSONResponse({"status": "ready", "checks": {}})
    status = "shutting_down" if lifecycle.shutting_down else "starting"
    return JSONResponse({"status": status, "checks": {}}, status_code=503)


async def metrics(request: Request) -> Response:
    registry = request.app.state.metrics
    return Response(registry.render(), media_type=registry.content_type)


# Polled by probes and scrapers every few seconds: the access log leaves out their successes.
QUIET_ROUTES: dict[str, Callable[..., Awaitable[object]]] = {
    "/healthz": healthz,
    "/readyz": readyz,
    "/metrics": metrics,
}


def add_routes(app: FastAPI) -> None:
    """Registers the routes on the app itself (see create_app for why); probes and the scrape
    endpoint stay out of the OpenAPI document."""
    for path, endpoint in QUIET_ROUTES.items():
        app.add_api_route(path, endpoint, methods=["GET"], include_in_schema=False)
