"""Wires the events feature together: the broker connection, the outbox relay and the
consumer; started with the app, stopped after the HTTP server has drained."""

import asyncio
import contextlib
import logging

from aio_pika.abc import AbstractConnection, AbstractQueue
from prometheus_client import CollectorRegistry

from . import saga
from .broker import Broker, Topology, amqp_url, declare_topology
from .cloudevents import ITEM_REJECTED
from .config import Settings
from .consumer import Consumer
from .db import Pool
from .events_metrics import EventMetrics
from .relay import OutboxRelay, broker_publisher
from .tracecontext import outgoing_trace_context

logger = logging.getLogger(__name__)

PREFETCH = 20  # messages handled at once; more wait in the queue, not in memory
CONSUMER_DRAIN_SECONDS = 5.0
START_WAIT_SECONDS = 3.0
RELAY_STOP_SECONDS = 2.0


class Events:
    def __init__(self, settings: Settings, pool: Pool, registry: CollectorRegistry) -> None:
        self.metrics = EventMetrics(registry)
        self.topology = Topology.from_settings(settings)
        self.broker = Broker(amqp_url(settings), self.topology, self._start_consuming)
        self.relay = OutboxRelay(
            pool, broker_publisher(self.broker), self.metrics, ready=lambda: self.broker.connected
        )
        self.consumer = Consumer(
            pool,
            self.metrics,
            settings.events_max_attempts,
            {ITEM_REJECTED: saga.on_item_rejected},
            outgoing_trace_context,
        )
        self._queue: AbstractQueue | None = None
        self._consumer_tag: str | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def _start_consuming(self, connection: AbstractConnection) -> None:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=PREFETCH)
        self._queue = await declare_topology(channel, self.topology)
        self._consumer_tag = await self._queue.consume(self.consumer.on_message)

    async def start(self) -> None:
        """Starts the connection and the relay; waits a little for the first connection, so
        /readyz is right from the start when the broker is there (and says so when not)."""
        self._tasks = [
            asyncio.create_task(self.broker.run(), name="broker"),
            asyncio.create_task(self.relay.run(), name="outbox-relay"),
        ]
        await self.broker.wait_connected(START_WAIT_SECONDS)

    async def broker_ready(self) -> bool:
        return self.broker.connected

    async def stop(self) -> None:
        """Stops taking messages, lets the ones in hand finish, lets the relay finish its pass,
        then closes the connection."""
        broker_task, relay_task = self._tasks
        if self._queue is not None and self._consumer_tag is not None and self.broker.connected:
            with contextlib.suppress(Exception):  # the channel may be gone already
                await self._queue.cancel(self._consumer_tag)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.consumer.drain(), CONSUMER_DRAIN_SECONDS)
        self.relay.stop()
        try:
            await asyncio.wait_for(relay_task, RELAY_STOP_SECONDS)
        except TimeoutError:
            # A pass stuck on a database that does not answer: cancelled, its transaction
            # rolls back and its rows stay pending for the next start.
            logger.warning("the outbox relay did not finish its pass in time; cancelled it")
        broker_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await broker_task
        logger.info("events stopped")
