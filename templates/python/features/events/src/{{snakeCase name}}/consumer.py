"""The idempotent consumer: each message is handled in one transaction that first records its
event id in processed_events; a message whose id is already there is a duplicate (at-least-once
delivery) and is acknowledged with no other effect.

A message that fails (not JSON, not a CloudEvent, data breaking its schema, a database error)
is rolled back and returned to the queue until it has been delivered EVENTS_MAX_ATTEMPTS
times; the last failure rejects it and the broker moves it to the dead-letter queue.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from aio_pika.abc import AbstractIncomingMessage
from opentelemetry import propagate, trace
from psycopg import AsyncConnection
from psycopg.rows import DictRow

from .cloudevents import CloudEvent
from .db import Pool
from .events_metrics import EventMetrics

logger = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

# Applies one event's state change inside the consumer's transaction; gets the trace headers
# for any event it writes to the outbox.
Handler = Callable[[AsyncConnection[DictRow], CloudEvent, dict[str, str]], Awaitable[None]]


class UnknownEventTypeError(ValueError):
    pass


class Consumer:
    def __init__(
        self,
        pool: Pool,
        metrics: EventMetrics,
        max_attempts: int,
        handlers: Mapping[str, Handler],
        trace_context: Callable[[Mapping[str, object]], dict[str, str]],
    ) -> None:
        self._pool = pool
        self._metrics = metrics
        self._max_attempts = max_attempts
        self._handlers = handlers
        self._trace_context = trace_context
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        """The queue's callback: handles the message, then acks, requeues or dead-letters it."""
        self._in_flight += 1
        self._idle.clear()
        try:
            await self._deliver(message)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def drain(self) -> None:
        """Waits for the messages being handled (after consuming was cancelled)."""
        await self._idle.wait()

    async def _deliver(self, message: AbstractIncomingMessage) -> None:
        # Quorum queues count earlier deliveries in x-delivery-count (absent the first time).
        earlier = message.headers.get("x-delivery-count", 0)
        earlier = earlier if isinstance(earlier, int) else 0
        if earlier > 0 or message.redelivered:
            self._metrics.redeliveries.inc()
        headers = dict(message.headers)
        with tracer.start_as_current_span(
            f"{message.type or 'message'} process",
            context=propagate.extract({k: v for k, v in headers.items() if isinstance(v, str)}),
            kind=trace.SpanKind.CONSUMER,
        ):
            try:
                duplicate = await self._handle(message.body, headers)
            except Exception as error:
                await self._fail(message, earlier + 1, error)
                return
        await message.ack()
        self._metrics.processed.inc()
        if duplicate:
            self._metrics.duplicates.inc()

    async def _handle(self, body: bytes, headers: Mapping[str, object]) -> bool:
        """Applies the event once; True when it had been processed before (a duplicate)."""
        event = CloudEvent.model_validate_json(body)
        handler = self._handlers.get(event.type)
        if handler is None:
            raise UnknownEventTypeError(f"no handler for event type {event.type!r}")
        async with self._pool.connection() as connection, connection.transaction():
            cursor = await connection.execute(
                "INSERT INTO processed_events (event_id) VALUES (%s) ON CONFLICT DO NOTHING",
                (event.id,),
            )
            if cursor.rowcount == 0:
                return True
            await handler(connection, event, self._trace_context(headers))
        return False

    async def _fail(
        self, message: AbstractIncomingMessage, delivery: int, error: Exception
    ) -> None:
        details = {
            "messageId": message.message_id,
            "delivery": delivery,
            "maxAttempts": self._max_attempts,
            "error": f"{type(error).__name__}: {error}"[:500],
        }
        if delivery >= self._max_attempts:
            logger.error("message failed on its last delivery; dead-lettering it", extra=details)
            await message.reject(requeue=False)
            self._metrics.dead_lettered.inc()
        else:
            logger.warning("message failed; returning it to the queue", extra=details)
            await message.nack(requeue=True)
