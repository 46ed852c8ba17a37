import type pg from 'pg';
import type { CloudEvent } from './cloudevent.ts';
import type { TraceHeaders } from './trace-context.ts';

/**
 * Writes an event to the outbox. Call it with the client of the transaction that makes the
 * change the event announces: both commit, or neither does, so no event is published for a
 * change that did not happen and none is lost for one that did.
 */
export async function addToOutbox(client: pg.Pool | pg.ClientBase, event: CloudEvent, trace: TraceHeaders): Promise<void> {
  await client.query('INSERT INTO outbox (id, type, event, headers) VALUES ($1, $2, $3, $4)', [event.id, event.type, event, trace]);
}

/** Runs `work` in a transaction on a client of `pool`: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let result: T;
  try {
    await client.query('BEGIN');
    result = await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await rollBackAndRelease(client);
    throw error;
  }
  client.release();
  return result;
}

/** Rolls back; a client that cannot even do that has a broken connection, which the pool then discards. */
export async function rollBackAndRelease(client: pg.PoolClient): Promise<void> {
  const rolledBack = await client.query('ROLLBACK').then(
    () => true,
    () => false,
  );
  client.release(!rolledBack);
}
