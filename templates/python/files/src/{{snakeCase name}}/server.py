"""Runs the app under uvicorn with a graceful, observable shutdown.

On the first SIGTERM/SIGINT: /readyz turns 503 at once, the listener stays open for
SHUTDOWN_DRAIN_MS (so load balancers notice), then uvicorn stops accepting, lets in-flight
requests finish, runs the lifespan shutdown and the process exits 0. If that takes longer
than SHUTDOWN_TIMEOUT_MS after the listener closed, the process exits 1 instead. A second
signal falls back to uvicorn's own handling.
"""

import logging
import os
import signal
import threading
import time
from types import FrameType

import uvicorn
from fastapi import FastAPI

from .config import Settings
from .health import Lifecycle

logger = logging.getLogger(__name__)


class GracefulServer(uvicorn.Server):
    def __init__(
        self, config: uvicorn.Config, lifecycle: Lifecycle, drain_ms: int, timeout_ms: int
    ) -> None:
        super().__init__(config)
        self.lifecycle = lifecycle
        self.drain_seconds = drain_ms / 1000
        self.timeout_seconds = timeout_ms / 1000
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
        # A watchdog thread, not the event loop: a handler stuck in blocking code would
        # stop the loop from ever noticing the deadline.
        deadline = threading.Timer(self.drain_seconds + self.timeout_seconds, self._give_up)
        deadline.daemon = True
        deadline.start()

    def _give_up(self) -> None:
        logger.error(
            "shutdown timed out; exiting with requests still in flight",
            extra={"timeoutMs": self.timeout_seconds * 1000},
        )
        for handler in logging.getLogger().handlers:
            handler.flush()
        os._exit(1)

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
        access_log=False,  # the request middleware writes the access lines (ACCESS_LOG)
        server_header=False,
        lifespan="on",
    )
    server = GracefulServer(
        config,
        app.state.lifecycle,
        drain_ms=settings.shutdown_drain_ms,
        timeout_ms=settings.shutdown_timeout_ms,
    )
    server.run()
    return 0 if server.started else 1
