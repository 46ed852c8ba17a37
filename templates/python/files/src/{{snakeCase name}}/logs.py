"""Structured JSON logs on stdout, one object per line, tagged with the request id."""

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

from opentelemetry import trace

# The id of the request being handled, set by the request middleware. A context
# variable follows the request across awaits without being passed around.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else came in through `extra=` and is
# copied into the JSON object.
_RESERVED = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# uvicorn attaches an ANSI-coloured copy of its messages for terminals.
_DROPPED = frozenset({"color_message"})


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id is not None:
            entry["requestId"] = request_id
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            entry["traceId"] = format(span.trace_id, "032x")
            entry["spanId"] = format(span.span_id, "016x")
        for key, value in vars(record).items():
            if key not in _RESERVED and key not in _DROPPED:
                entry[key] = value
        if record.exc_info:
            entry["error"] = {
                "type": record.exc_info[0].__name__ if record.exc_info[0] else None,
                "message": str(record.exc_info[1]),
                "stack": self.formatException(record.exc_info),
            }
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str, service: str, stream: TextIO | None = None) -> None:
    """Send every logger (ours, uvicorn's, libraries') through one JSON handler."""
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    # "silent" is above every level, so nothing is written.
    root.setLevel(logging.CRITICAL + 1 if level == "silent" else level.upper())
    # uvicorn's own access log would duplicate the middleware's request line.
    logging.getLogger("uvicorn.access").disabled = True
