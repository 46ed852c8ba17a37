"""Per-request plumbing: request id, the JSON access line (per ACCESS_LOG), the duration
histogram, and the last-resort 500 for exceptions nothing else handled.

Written as plain ASGI (not BaseHTTPMiddleware) so it sees the final status of every
response, keeps the request id in a context variable for the whole request, and adds
no extra task per request.
"""

import json
import logging
import os
import re
import time

from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .config import AccessLog
from .errors import error_payload
from .health import QUIET_ROUTES
from .logs import request_id_var
from .metrics import Metrics

logger = logging.getLogger("http")

REQUEST_ID_HEADER = "x-request-id"
_REQUEST_ID_HEADER = REQUEST_ID_HEADER.encode()
# An incoming id is honoured only if it is short and plain, because it is echoed
# in a response header and written to every log line of the request.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# The route label for requests no route matched: never the raw path, which would
# give the histogram one series per URL anyone tries.
UNMATCHED_ROUTE = "unmatched"
# The lowest status that gets an access line, for each ACCESS_LOG mode ("none": above any
# status), so a request decides with one comparison.
_ACCESS_LOG_FROM_STATUS: dict[AccessLog, int] = {"all": 0, "errors": 400, "none": 1000}


def _new_request_id() -> str:
    # A random (version 4) UUID in its usual spelling: the same as str(uuid.uuid4()) without
    # the uuid.UUID object, which costs more than everything else here put together.
    digits = os.urandom(16).hex()
    variant = "89ab"[int(digits[16], 16) & 3]
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-{digits[20:]}"


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == _REQUEST_ID_HEADER:
            candidate: str = value.decode("latin-1")
            if _VALID_REQUEST_ID.fullmatch(candidate):
                return candidate
            break
    return _new_request_id()


def _set_header(message: Message, name: bytes, value: bytes) -> None:
    """Sets a response header in an http.response.start message, replacing any of that name."""
    headers = [(key, val) for key, val in message.get("headers", ()) if key.lower() != name]
    headers.append((name, value))
    message["headers"] = headers


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    if isinstance(route, BaseRoute):
        path = getattr(route, "path", None)
        if isinstance(path, str):
            return path
    return UNMATCHED_ROUTE


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics, access_log: AccessLog) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log_from_status = _ACCESS_LOG_FROM_STATUS[access_log]

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
                _set_header(message, _REQUEST_ID_HEADER, request_id.encode("latin-1"))
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
            # Nothing is built for a request that gets no access line. Successful probes and
            # scrapes get none even with ACCESS_LOG=all (a failed one still does).
            if (
                status >= self.access_log_from_status
                and (status >= 400 or route not in QUIET_ROUTES)
                and logger.isEnabledFor(logging.INFO)
            ):
                # makeRecord + handle is logger.info without looking up the caller's file
                # and line, which no line carries and which costs a stack walk per request.
                logger.handle(
                    logger.makeRecord(
                        logger.name,
                        logging.INFO,
                        __file__,
                        0,
                        "request completed",
                        (),
                        None,
                        extra={
                            "method": scope["method"],
                            "path": scope["path"],
                            "route": route,
                            "statusCode": status,
                            "durationMs": round(seconds * 1000, 3),
                        },
                    )
                )
            request_id_var.reset(token)
