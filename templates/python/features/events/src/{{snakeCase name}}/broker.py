"""The RabbitMQ connection (aio-pika): opened at start-up, the topology declared on it, kept
open, and opened again with exponential backoff whenever the broker goes away."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractExchange, AbstractQueue
from yarl import URL

from .cloudevents import ITEM_REJECTED
from .config import Settings

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5.0
RECONNECT_FIRST_DELAY_SECONDS = 0.5
RECONNECT_MAX_DELAY_SECONDS = 30.0


class BrokerUnavailableError(ConnectionError):
    """There is no open connection to the broker right now."""


@dataclass(frozen=True)
class Topology:
    exchange: str
    queue: str
    max_attempts: int

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.queue}.dead-letter"

    @classmethod
    def from_settings(cls, settings: Settings) -> "Topology":
        return cls(settings.events_exchange, settings.events_queue, settings.events_max_attempts)


async def declare_topology(channel: AbstractChannel, topology: Topology) -> AbstractQueue:
    """Declares (idempotently) the exchange, the consumed queue and its dead-letter queue."""
    exchange = await channel.declare_exchange(
        topology.exchange, aio_pika.ExchangeType.TOPIC, durable=True
    )
    await channel.declare_queue(
        topology.dead_letter_queue, durable=True, arguments={"x-queue-type": "quorum"}
    )
    queue = await channel.declare_queue(
        topology.queue,
        durable=True,
        arguments={
            "x-queue-type": "quorum",
            # The broker's own bound on redeliveries; the consumer dead-letters at the same count.
            "x-delivery-limit": topology.max_attempts,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": topology.dead_letter_queue,
        },
    )
    await queue.bind(exchange, routing_key=ITEM_REJECTED)
    return queue


def amqp_url(settings: Settings) -> URL:
    """AMQP_URL with AMQP_PASSWORD, when set, in place of its password."""
    url = URL(settings.amqp_url)
    if settings.amqp_password is not None:
        url = url.with_password(settings.amqp_password.get_secret_value())
    return url


def reconnect_delay(failures: int) -> float:
    """Exponential backoff: 0.5 s, 1 s, 2 s, ... capped at 30 s."""
    return float(min(RECONNECT_MAX_DELAY_SECONDS, RECONNECT_FIRST_DELAY_SECONDS * 2**failures))


# Called on each new connection, after the topology is declared (e.g. to start consuming).
OnConnected = Callable[[AbstractConnection], Awaitable[None]]


class Broker:
    def __init__(self, url: URL, topology: Topology, on_connected: OnConnected) -> None:
        self._url = url
        self.topology = topology
        self._on_connected = on_connected
        self._connection: AbstractConnection | None = None
        self._publish_channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None
        # Set while a connection is open; cleared by the connection's close callback, which
        # also runs when the broker closes it (is_closed only tells of our own close()).
        self._connected = asyncio.Event()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def wait_connected(self, seconds: float) -> bool:
        """Waits up to that long for an open connection; says whether there is one."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), seconds)
        return self.connected

    async def exchange(self) -> AbstractExchange:
        """The exchange on a channel with publisher confirms: each publish returns once the
        broker has the message (and raises if it refused it)."""
        connection = self._connection
        if connection is None or not self.connected:
            raise BrokerUnavailableError("no connection to the broker")
        if self._publish_channel is None or self._publish_channel.is_closed:
            # A channel the broker closed (after an error) is replaced; the connection stays.
            self._publish_channel = await connection.channel(publisher_confirms=True)
            self._exchange = await self._publish_channel.get_exchange(
                self.topology.exchange, ensure=False
            )
        assert self._exchange is not None  # noqa: S101 - set together with the channel
        return self._exchange

    async def run(self) -> None:
        """Keeps a connection open until cancelled."""
        failures = 0
        while True:
            try:
                connection = await aio_pika.connect(self._url, timeout=CONNECT_TIMEOUT_SECONDS)
            except (OSError, TimeoutError, aio_pika.exceptions.AMQPError) as error:
                delay = reconnect_delay(failures)
                failures += 1
                logger.warning(
                    "cannot connect to the broker; retrying",
                    extra={"error": str(error) or type(error).__name__, "retryInSeconds": delay},
                )
                await asyncio.sleep(delay)
                continue
            try:
                if await self._hold(connection):
                    failures = 0
            except aio_pika.exceptions.AMQPError as error:
                logger.warning("broker connection failed", extra={"error": str(error)})
            finally:
                self._connected.clear()
                self._connection = None
                self._publish_channel = None
                self._exchange = None
                with contextlib.suppress(Exception):  # already gone or going: nothing to do
                    await asyncio.shield(connection.close())
            await asyncio.sleep(reconnect_delay(failures))
            failures += 1

    async def _hold(self, connection: AbstractConnection) -> bool:
        """Declares the topology and starts consuming on a new connection, then waits until
        it is lost; says whether it was ever fully up."""
        lost = asyncio.Event()

        def on_close(*_: object) -> None:
            self._connected.clear()
            lost.set()

        connection.close_callbacks.add(on_close)
        async with connection.channel() as channel:
            await declare_topology(channel, self.topology)
        await self._on_connected(connection)
        self._connection = connection
        if lost.is_set():
            return False
        self._connected.set()
        logger.info("connected to the broker")
        await lost.wait()
        logger.warning("lost the connection to the broker; reconnecting")
        return True
