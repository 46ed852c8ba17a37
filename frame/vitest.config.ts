import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'frame',
    include: ['test/**/*.test.ts'],
  },
});
