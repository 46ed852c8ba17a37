import { randomUUID } from 'node:crypto';
import { isoNow } from './clock.ts';

export interface Item {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
}

export interface NewItem {
  name: string;
  description?: string;
}

/**
 * The example resource, kept in memory so the template runs with no infrastructure.
 * Replace it with real storage; the routes depend only on `create` and `get`.
 */
export class ItemStore {
  readonly #items = new Map<string, Item>();
  // Ids in the order they were stored, as a ring: the slot of the next id holds the oldest
  // once the store is full. (Deleting a Map's first key and asking for the new first one
  // walks past every deleted slot, which cost ~15 µs per request once the store was full.)
  readonly #order: string[];
  #next = 0;

  constructor(capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer (got ${capacity})`);
    this.#order = new Array<string>(capacity);
  }

  create(input: NewItem): Item {
    const item: Item = {
      id: randomUUID(),
      name: input.name,
      description: input.description ?? null,
      createdAt: isoNow(),
    };
    // Bounded so a client cannot grow the process without limit: the oldest item goes.
    const oldest = this.#order[this.#next];
    if (oldest !== undefined) this.#items.delete(oldest);
    this.#order[this.#next] = item.id;
    this.#next = (this.#next + 1) % this.#order.length;
    this.#items.set(item.id, item);
    return item;
  }

  get(id: string): Item | undefined {
    return this.#items.get(id);
  }
}
