import { randomUUID } from 'node:crypto';

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
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  create(input: NewItem): Item {
    // Bounded so a client cannot grow the process without limit.
    if (this.#items.size >= this.#capacity) {
      const oldest = this.#items.keys().next();
      if (!oldest.done) this.#items.delete(oldest.value);
    }
    const item: Item = {
      id: randomUUID(),
      name: input.name,
      description: input.description ?? null,
      createdAt: new Date().toISOString(),
    };
    this.#items.set(item.id, item);
    return item;
  }

  get(id: string): Item | undefined {
    return this.#items.get(id);
  }
}
