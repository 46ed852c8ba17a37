import { loadConfig } from '../src/config.ts';
import { migrate } from '../src/migrate.ts';

// The tests run against the real PostgreSQL named by DATABASE_URL (README, "Tests"); bring
// its schema up to date once, as the service does at start-up.
export default async function setup(): Promise<void> {
  const { databaseUrl } = loadConfig();
  await migrate(databaseUrl, { info: () => undefined, warn: console.warn, error: console.error });
}
