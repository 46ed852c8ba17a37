import { describe, expect, it } from 'vitest';
import { newRequestId, requestIdFrom } from '../src/request-id.ts';

describe('request ids', () => {
  it('makes 22-character base64url ids, all different, across many batches of random bytes', () => {
    // One batch yields 993 ids; 5000 cross four batch boundaries.
    const ids = Array.from({ length: 5000 }, () => newRequestId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('spreads ids over the whole alphabet (they are random, not a counter)', () => {
    const seen = new Set(Array.from({ length: 200 }, () => newRequestId()).join(''));
    expect(seen.size).toBe(64);
  });

  it("uses a caller's id made of [A-Za-z0-9._:-], at most 128 characters", () => {
    expect(requestIdFrom('conformance-0123.abc:XYZ_')).toBe('conformance-0123.abc:XYZ_');
    expect(requestIdFrom('a'.repeat(128))).toBe('a'.repeat(128));
  });

  it('replaces an id that is empty, too long, repeated or has other characters', () => {
    for (const incoming of ['', 'a'.repeat(129), 'bad id', 'line\nbreak', '<script>', ['a', 'b'], undefined]) {
      const id = requestIdFrom(incoming);
      expect(id, JSON.stringify(incoming)).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(id).not.toBe(incoming);
    }
  });
});
