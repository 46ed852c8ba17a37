"""Per-request plumbing: request id, one JSON log line, the duration histogram, and the
last-resort 500 for exceptions nothing else handled.

Written as plain ASGI (not BaseHTTPMiddleware) so it sees the final status of every
response, keeps the request id in a context variable for the whole request, and adds
no extra task per request.
"""

import json
import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_payload
from .logs import request_id_var
from .metrics import Metrics

logger = logging.getLogger("http")

REQUEST_ID_HEADER = "x-request-id"
# An incoming id is honoured only if it is short and plain, because it is echoed
# in a response header and written to every log line of the request.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# The route label for requests no route matched: never the raw path, which would
# give the histogram one series per URL anyone tries.
UNMATCHED_ROUTE = "unmatched"


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER.encode():
            candidate: str = value.decode("latin-1")
            if _VALID_REQUEST_ID.fullmatch(candidate):
                return candidate
            break
    return str(uuid.uuid4())


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    if isinstance(route, BaseRoute):
        path = getattr(route, "path", None)
        if isinstance(path, str):
            return path
    return UNMATCHED_ROUTE


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        request_id = _request_id(scope)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("unhandled error while handling the request")
            if response_started:
                raise  # too late for an error body: let the server drop the connection
            status = 500
            body = json.dumps(error_payload(500, "Internal server error.")).encode()
            await send_with_id(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
        finally:
            seconds = time.perf_counter() - started
            route = _route_template(scope)
            self.metrics.observe_request(scope["method"], route, status, seconds)
            logger.info(
                "request completed",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "route": route,
                    "statusCode": status,
                    "durationMs": round(seconds * 1000, 3),
                },
            )
            request_id_var.reset(token)
