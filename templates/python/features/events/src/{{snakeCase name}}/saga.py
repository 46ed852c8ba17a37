"""The saga's compensation: a downstream service rejected an item (item.rejected.v1), so the
item is withdrawn and item.withdrawn.v1 is published, both in the consumer's transaction.
A rejection of an unknown or already withdrawn item changes nothing."""

import logging

from psycopg import AsyncConnection
from psycopg.rows import DictRow

from . import outbox
from .cloudevents import CloudEvent, ItemRejected, item_withdrawn
from .repository import withdraw_item

logger = logging.getLogger(__name__)


async def on_item_rejected(
    connection: AsyncConnection[DictRow], event: CloudEvent, trace_context: dict[str, str]
) -> None:
    rejection = ItemRejected.model_validate(event.data)  # breaks the schema: retried, then DLQ
    item = await withdraw_item(connection, rejection.item_id)
    if item is None:
        logger.info(
            "rejection of an unknown or withdrawn item: nothing to do",
            extra={"itemId": rejection.item_id, "eventId": event.id},
        )
        return
    await outbox.enqueue(connection, item_withdrawn(item, rejection.reason), trace_context)
    logger.info("item withdrawn", extra={"itemId": item.id, "reason": rejection.reason})
