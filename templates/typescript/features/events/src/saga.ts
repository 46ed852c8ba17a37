import type { EventHandler } from './events/consumer.ts';
import type { ItemRepository } from './items.ts';

/** item.rejected.v1's data (events/item.rejected.v1.schema.json; the consumer checked it). */
interface ItemRejected {
  itemId: string;
  reason: string;
}

/**
 * The saga's compensating step. Creating an item is the first step; a downstream service that
 * cannot accept the item publishes item.rejected.v1, and this service withdraws the item and
 * publishes item.withdrawn.v1, in the consumer's transaction. A rejection of an unknown or
 * already withdrawn item changes nothing.
 */
export function withdrawRejectedItems(items: ItemRepository): EventHandler {
  return async (client, event, trace) => {
    const { itemId, reason } = event.data as ItemRejected;
    await items.withdraw(client, itemId, reason, trace);
  };
}
