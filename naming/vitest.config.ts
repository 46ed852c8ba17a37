import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'naming',
    include: ['test/**/*.test.ts'],
  },
});
