"""Structured JSON logs on stdout, one object per line, tagged with the request id.

Lines are formatted where they are logged (so the request id and trace ids of the current
request are right) and written by a background thread that joins whatever has gathered
into one write: one write system call per line would cost the service more throughput than
all its other per-request work together. A line reaches stdout within FLUSH_INTERVAL
seconds; `flush()` (called by logging at exit and by the shutdown watchdog) writes the rest
at once.
"""

import json
import logging
import os
import sys
import threading
import time
import weakref
from contextvars import ContextVar
from typing import Any, TextIO

from opentelemetry import trace

# The id of the request being handled, set by the request middleware. A context
# variable follows the request across awaits without being passed around.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# How long the writer lets lines gather before one write: short enough that a line shows up
# at once to a person watching, long enough that a busy service writes a batch at a time.
FLUSH_INTERVAL = 0.02
# Characters waiting to be written before logging waits for the writer (stdout not being
# read, e.g. a stuck pipe): memory stays bounded and no line is dropped, as with a plain
# handler, whose write would block as soon as the pipe was full.
MAX_PENDING_CHARS = 1 << 20

# Attributes every LogRecord has; anything else came in through `extra=` and is
# copied into the JSON object.
_RESERVED = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# uvicorn attaches an ANSI-coloured copy of its messages for terminals.
_DROPPED = frozenset({"color_message"})
_SKIPPED = _RESERVED | _DROPPED

_tracing = False


def enable_trace_ids() -> None:
    """Called once tracing is set up: from then on lines carry traceId and spanId. Without
    tracing there is never a valid span, so the lookup is not done for every line."""
    global _tracing  # one switch for the process, like the tracer provider
    _tracing = True


class _Clock:
    """ISO 8601 UTC timestamps with milliseconds; the part up to the second is formatted
    once per second instead of once per line."""

    def __init__(self) -> None:
        # One tuple, replaced whole, so a thread never pairs one second with another's text.
        self._cached = (-1, "")

    def format(self, created: float) -> str:
        second = int(created)
        cached = self._cached
        if cached[0] != second:
            cached = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
            self._cached = cached
        millis = int((created - second) * 1000)
        return f"{cached[1]}.{millis:03d}+00:00"


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service
        self._clock = _Clock()
        self._encode = json.JSONEncoder(default=str, ensure_ascii=False).encode

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self._clock.format(record.created),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id is not None:
            entry["requestId"] = request_id
        if _tracing:
            span = trace.get_current_span().get_span_context()
            if span.is_valid:
                entry["traceId"] = format(span.trace_id, "032x")
                entry["spanId"] = format(span.span_id, "016x")
        for key, value in vars(record).items():
            if key not in _SKIPPED:
                entry[key] = value
        if record.exc_info:
            entry["error"] = {
                "type": record.exc_info[0].__name__ if record.exc_info[0] else None,
                "message": str(record.exc_info[1]),
                "stack": self.formatException(record.exc_info),
            }
        return self._encode(entry)


class LineWriter:
    """Hands lines to a daemon thread that writes them in batches to a text stream."""

    def __init__(
        self,
        stream: TextIO,
        interval: float = FLUSH_INTERVAL,
        max_pending: int = MAX_PENDING_CHARS,
    ) -> None:
        self.stream = stream
        self.interval = interval
        self.max_pending = max_pending
        self._pending: list[str] = []
        self._pending_chars = 0
        self._closed = False
        # Re-entrant locks: a signal handler that logs (the shutdown request) runs in the main
        # thread, possibly while that thread is inside write() or flush() holding them; a
        # plain lock would deadlock the process there.
        self._changed = threading.Condition(threading.RLock())
        # Held while writing, so a flush from another thread never interleaves with a batch.
        self._write_lock = threading.RLock()
        self._thread: threading.Thread | None = None
        _writers.add(self)

    def write(self, line: str) -> None:
        """Queues one line (without its newline)."""
        with self._changed:
            if self._closed:
                # Logged after close (late in interpreter exit): write it directly.
                self._write_now([line])
                return
            if self._thread is None:
                self._start()
            if not self._pending:
                self._changed.notify_all()  # the writer sleeps only while nothing is pending
            self._pending.append(line)
            self._pending_chars += len(line) + 1
            while self._pending_chars > self.max_pending and not self._closed:
                self._changed.wait()

    def flush(self) -> None:
        """Writes everything queued so far before returning."""
        with self._changed:
            lines = self._take()
        self._write_now(lines)

    def close(self) -> None:
        """Flushes and stops the thread; later lines are written directly."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        self.flush()

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="log-writer", daemon=True)
        self._thread.start()

    def _take(self) -> list[str]:
        # Called with self._changed held.
        lines, self._pending = self._pending, []
        self._pending_chars = 0
        self._changed.notify_all()  # wakes callers waiting for room
        return lines

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._pending and not self._closed:
                    self._changed.wait()
                if self._closed:
                    return  # close() flushes what is left
            # Let the burst this line belongs to gather, then write it in one go.
            time.sleep(self.interval)
            with self._changed:
                lines = self._take()
            self._write_now(lines)

    def _write_now(self, lines: list[str]) -> None:
        if not lines:
            return
        with self._write_lock:
            try:
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()
            except (OSError, ValueError):
                # stdout closed or broken (the reader went away): nothing useful to do
                # with a log line then, and logging must never break the service.
                pass

    def _after_fork(self) -> None:
        # A forked child has only the forking thread: fresh locks (another thread may have
        # held them), no writer thread until its first line, and not the parent's queue.
        self._changed = threading.Condition(threading.RLock())
        self._write_lock = threading.RLock()
        self._thread = None
        self._pending = []
        self._pending_chars = 0


_writers: "weakref.WeakSet[LineWriter]" = weakref.WeakSet()


def _reset_writers_after_fork() -> None:
    for writer in list(_writers):
        writer._after_fork()


os.register_at_fork(after_in_child=_reset_writers_after_fork)


class JsonLineHandler(logging.Handler):
    """Formats each record as one JSON line and queues it on a LineWriter."""

    def __init__(self, writer: LineWriter, formatter: JsonFormatter) -> None:
        super().__init__()
        self.writer = writer
        self.setFormatter(formatter)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.writer.write(self.format(record))
        except Exception:
            self.handleError(record)

    def flush(self) -> None:
        self.writer.flush()

    def close(self) -> None:
        self.writer.close()
        super().close()


def configure_logging(level: str, service: str, stream: TextIO | None = None) -> None:
    """Send every logger (ours, uvicorn's, libraries') through one JSON handler."""
    handler = JsonLineHandler(LineWriter(stream or sys.stdout), JsonFormatter(service))
    root = logging.getLogger()
    for previous in root.handlers:
        previous.close()
    root.handlers[:] = [handler]
    # "silent" is above every level, so nothing is written.
    root.setLevel(logging.CRITICAL + 1 if level == "silent" else level.upper())
    # uvicorn's own access log would duplicate the middleware's request line.
    logging.getLogger("uvicorn.access").disabled = True
    # The JSON lines carry none of these, so no record needs to look them up.
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    if sys.version_info >= (3, 12):
        logging.logAsyncioTasks = False
