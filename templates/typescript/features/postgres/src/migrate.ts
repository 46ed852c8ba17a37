import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

/** The versioned SQL files, beside src/ and dist/ (the image ships them next to dist/). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface MigrationLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Applies the migrations not applied yet, in one transaction, and returns their names.
 *
 * Runs at start-up, before the service listens. node-pg-migrate holds a PostgreSQL advisory
 * lock while it works; in `wait` mode a replica that starts at the same time blocks on that
 * lock instead of failing, then finds nothing left to do.
 */
export async function migrate(databaseUrl: string, logger: MigrationLogger): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    singleTransaction: true,
    advisoryLockMode: 'wait',
    // Its progress lines are left out: one line below says what was applied.
    logger: {
      info: () => undefined,
      warn: (message) => {
        logger.warn(message);
      },
      error: (message) => {
        logger.error(message);
      },
    },
  });
  const names = applied.map((migration) => migration.name);
  logger.info(names.length === 0 ? 'database schema is up to date' : `database migrated: ${names.join(', ')}`);
  return names;
}
