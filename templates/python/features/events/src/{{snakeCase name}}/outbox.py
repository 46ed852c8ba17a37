"""Writes events to the outbox table, inside the caller's transaction: the event exists if and
only if the state change that caused it was committed. The relay (relay.py) publishes it."""

from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb


async def enqueue(
    connection: AsyncConnection[DictRow], event: dict[str, Any], trace_context: dict[str, str]
) -> None:
    await connection.execute(
        "INSERT INTO outbox (id, type, event, headers) VALUES (%s, %s, %s, %s)",
        (event["id"], event["type"], Jsonb(event), Jsonb(trace_context)),
    )
