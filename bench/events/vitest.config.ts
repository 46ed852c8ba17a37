import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Not part of the test suite: `npx vitest run --config bench/events/vitest.config.ts` runs the
// benchmark alone (vitest, so it uses the template tests' harness for servers and generation).
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['bench/events/events.bench.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 300_000,
  },
});
