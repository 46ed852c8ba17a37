"""Runs the app under uvicorn with a graceful, observable shutdown.

On the first SIGTERM/SIGINT: /readyz turns 503 at once, the listener stays open for
SHUTDOWN_DRAIN_MS (so load balancers notice), then uvicorn stops accepting,
lets in-flight requests finish (at most SHUTDOWN_TIMEOUT_MS), runs the lifespan
shutdown and the process exits 0. A second signal falls back to uvicorn's own handling.
"""

import logging
import signal
import time
from types import FrameType

import uvicorn
from fastapi import FastAPI

from .config import Settings
from .health import Lifecycle

logger = logging.getLogger(__name__)


class GracefulServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, lifecycle: Lifecycle, drain_ms: int) -> None:
        super().__init__(config)
        self.lifecycle = lifecycle
        self.drain_seconds = drain_ms / 1000
        self.stop_at: float | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.stop_at is not None:
            super().handle_exit(sig, frame)
            return
        self.lifecycle.begin_shutdown()
        self.stop_at = time.monotonic() + self.drain_seconds
        logger.info(
            "shutdown requested",
            extra={"signal": signal.Signals(sig).name, "drainMs": self.drain_seconds * 1000},
        )

    async def on_tick(self, counter: int) -> bool:
        # uvicorn calls this every 0.1 s; returning True starts its graceful shutdown.
        if self.stop_at is not None and time.monotonic() >= self.stop_at:
            self.should_exit = True
        return await super().on_tick(counter)


def serve(app: FastAPI, settings: Settings) -> int:
    """Serve until a shutdown signal; return the process exit code."""
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,  # logging is already configured (JSON on stdout)
        access_log=False,  # the request middleware logs each request
        server_header=False,
        # uvicorn counts whole seconds; round up so a short timeout never becomes 0.
        timeout_graceful_shutdown=-(-settings.shutdown_timeout_ms // 1000),
        lifespan="on",
    )
    server = GracefulServer(config, app.state.lifecycle, settings.shutdown_drain_ms)
    server.run()
    return 0 if server.started else 1
