import { defineConfig } from 'vitest/config';

// The whole road on a real control plane: started once for this project (global-setup.ts),
// shared by its test files, which run one at a time so that each sees the cluster it set up.
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['test/**/*.test.ts'],
    globalSetup: ['./global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
