import { defineConfig } from 'vitest/config';

// One runner for the whole repository; each workspace is a project so that
// `npx vitest run --project <name>` runs one part alone.
export default defineConfig({
  test: {
    projects: ['naming', 'frame', 'testkit', 'cli', 'pipelines', 'platform', 'e2e'],
  },
});
