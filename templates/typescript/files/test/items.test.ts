import { describe, expect, it } from 'vitest';
import { ItemStore } from '../src/items.ts';

describe('item store', () => {
  it('keeps the newest items up to its capacity, dropping the oldest first', () => {
    const store = new ItemStore(3);
    const ids = Array.from({ length: 7 }, (_, i) => store.create({ name: `item ${i}` }).id);
    expect(ids.slice(0, 4).map((id) => store.get(id))).toEqual([undefined, undefined, undefined, undefined]);
    expect(ids.slice(4).map((id) => store.get(id)?.name)).toEqual(['item 4', 'item 5', 'item 6']);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new ItemStore(0)).toThrow(RangeError);
  });
});
