import { describe, expect, it } from 'vitest';
import { isoNow } from '../src/clock.ts';

describe('isoNow', () => {
  it('is the current time in ISO 8601 with milliseconds, UTC', () => {
    const before = Date.now();
    const now = isoNow();
    const after = Date.now();
    expect(now).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(now)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(now)).toBeLessThanOrEqual(after);
  });

  it('moves on with the clock', async () => {
    const first = isoNow();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(Date.parse(isoNow())).toBeGreaterThan(Date.parse(first));
  });
});
