"""The outbox relay: a loop in the service process that publishes pending outbox rows with
publisher confirms and marks them published.

Each pass takes a batch of due rows in one transaction with FOR UPDATE SKIP LOCKED, so
replicas (and a second relay) skip each other's rows and no row is published by two at once.
Delivery is at least once: a relay that dies between the broker's confirm and its commit
publishes those rows again, which is why consumers deduplicate.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aio_pika
from psycopg.rows import DictRow

from .broker import Broker
from .cloudevents import CONTENT_TYPE
from .db import Pool
from .events_metrics import EventMetrics

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
POLL_INTERVAL_SECONDS = 0.2  # the longest an idle relay waits before looking again
BACKOFF_FIRST_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 30.0
PUBLISH_TIMEOUT_SECONDS = 10.0

# Publishes one outbox row; returns once the broker confirmed it, raises if it did not.
Publish = Callable[[DictRow], Awaitable[None]]


def backoff_seconds(attempts: int) -> float:
    """Delay before the next try of a row that has failed `attempts` times (1, 2, ...)."""
    return float(min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2 ** (attempts - 1)))


def broker_publisher(broker: Broker) -> Publish:
    async def publish(row: DictRow) -> None:
        exchange = await broker.exchange()
        headers: dict[str, Any] = dict(row["headers"])
        message = aio_pika.Message(
            body=_json_bytes(row["event"]),
            content_type=CONTENT_TYPE,
            message_id=str(row["id"]),
            type=row["type"],
            headers=headers,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        # Not mandatory: an event nobody subscribes to yet is published all the same.
        await exchange.publish(
            message, routing_key=row["type"], mandatory=False, timeout=PUBLISH_TIMEOUT_SECONDS
        )

    return publish


def _json_bytes(event: object) -> bytes:
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()


class OutboxRelay:
    def __init__(
        self,
        pool: Pool,
        publish: Publish,
        metrics: EventMetrics,
        batch_size: int = BATCH_SIZE,
        ready: Callable[[], bool] = lambda: True,
    ) -> None:
        self._pool = pool
        self._publish = publish
        self._metrics = metrics
        self._batch_size = batch_size
        # While this says no (the broker is away), rows wait untouched instead of burning
        # their attempts.
        self._ready = ready
        self._stopping = asyncio.Event()

    async def relay_once(self) -> int:
        """One pass: publishes the due rows of one batch; returns how many it took."""
        async with self._pool.connection() as connection, connection.transaction():
            cursor = await connection.execute(
                "SELECT id, type, event, headers, attempts FROM outbox "
                "WHERE published_at IS NULL AND next_attempt_at <= now() "
                "ORDER BY created_at LIMIT %s FOR UPDATE SKIP LOCKED",
                (self._batch_size,),
            )
            rows = await cursor.fetchall()
            if not rows:
                return 0
            # Published concurrently on the confirming channel; each result is its confirm.
            results = await asyncio.gather(
                *(self._publish(row) for row in rows), return_exceptions=True
            )
            confirmed = [
                row["id"] for row, result in zip(rows, results, strict=True) if result is None
            ]
            if confirmed:
                await connection.execute(
                    "UPDATE outbox SET published_at = now() WHERE id = ANY(%s)", (confirmed,)
                )
            for row, result in zip(rows, results, strict=True):
                if isinstance(result, BaseException):
                    attempts = row["attempts"] + 1
                    await connection.execute(
                        "UPDATE outbox SET attempts = %s, last_error = %s, "
                        "next_attempt_at = now() + make_interval(secs => %s) WHERE id = %s",
                        (attempts, _describe(result), backoff_seconds(attempts), row["id"]),
                    )
        self._metrics.published.inc(len(confirmed))
        failed = len(rows) - len(confirmed)
        if failed:
            self._metrics.publish_failures.inc(failed)
            logger.warning("publishing outbox rows failed; will retry", extra={"failed": failed})
        return len(rows)

    async def refresh_gauges(self) -> None:
        async with self._pool.connection() as connection:
            cursor = await connection.execute(
                "SELECT count(*) AS pending, "
                "coalesce(extract(epoch FROM now() - min(created_at)), 0) AS oldest "
                "FROM outbox WHERE published_at IS NULL"
            )
            row = await cursor.fetchone()
        if row is not None:
            self._metrics.outbox_pending.set(row["pending"])
            self._metrics.outbox_oldest_pending_age.set(float(row["oldest"]))

    async def run(self) -> None:
        """Passes until stop(): again at once after a full batch, else after the poll interval."""
        while not self._stopping.is_set():
            taken = 0
            try:
                if self._ready():
                    taken = await self.relay_once()
                await self.refresh_gauges()
            except Exception:
                # The database or the broker went away mid-pass: the transaction rolled back,
                # the rows are still pending, the next pass tries again.
                logger.exception("outbox relay pass failed")
            if taken < self._batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), POLL_INTERVAL_SECONDS)

    def stop(self) -> None:
        """The current pass finishes (its transaction commits); no new one starts."""
        self._stopping.set()


def _describe(error: BaseException) -> str:
    return (f"{type(error).__name__}: {error}")[:1000]
