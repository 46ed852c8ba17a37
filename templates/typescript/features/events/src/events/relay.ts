import type pg from 'pg';
import type { EventMetrics } from './metrics.ts';
import { rollBackAndRelease } from './outbox.ts';
import type { TraceHeaders } from './trace-context.ts';

/** One outbox row on its way to the broker. */
export interface OutgoingEvent {
  id: string;
  type: string;
  /** The whole CloudEvent, as stored. */
  event: unknown;
  headers: TraceHeaders;
}

/** Publishes with a publisher confirm: resolves once the broker has taken the event. */
export interface Publisher {
  /** False while there is no connection to publish on; the relay then waits and rows stay pending. */
  isConnected(): boolean;
  publish(event: OutgoingEvent): Promise<void>;
}

export interface RelayLogger {
  warn(details: object, message: string): void;
}

export interface RelayOptions {
  pool: pg.Pool;
  publisher: Publisher;
  metrics: EventMetrics;
  log: RelayLogger;
  /** Rows taken per pass. */
  batchSize?: number;
  /** Pause between passes when there was nothing (more) to do. */
  pollIntervalMs?: number;
  /** First retry delay after a failed publish; doubles per attempt up to maxBackoffMs. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

interface OutboxRow {
  id: string;
  type: string;
  event: unknown;
  headers: TraceHeaders;
}

/**
 * Publishes the outbox: in one transaction, takes the pending rows that are due (locked, so a
 * relay in another replica skips them), publishes them with publisher confirms, marks the
 * confirmed ones published and pushes the failed ones back with exponential backoff.
 *
 * Delivery is at least once: a relay that dies after the broker's confirm and before its
 * commit leaves the row pending, and it is published again. Consumers deduplicate.
 */
export class OutboxRelay {
  readonly #pool: pg.Pool;
  readonly #publisher: Publisher;
  readonly #metrics: EventMetrics;
  readonly #log: RelayLogger;
  readonly #batchSize: number;
  readonly #pollIntervalMs: number;
  readonly #baseBackoffMs: number;
  readonly #maxBackoffMs: number;
  #running: Promise<void> | undefined;
  #stopping = false;
  #wake: (() => void) | undefined;

  constructor(options: RelayOptions) {
    this.#pool = options.pool;
    this.#publisher = options.publisher;
    this.#metrics = options.metrics;
    this.#log = options.log;
    this.#batchSize = options.batchSize ?? 100;
    this.#pollIntervalMs = options.pollIntervalMs ?? 200;
    this.#baseBackoffMs = options.baseBackoffMs ?? 1_000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 30_000;
  }

  /** Starts the polling loop. */
  start(): void {
    this.#running ??= this.#loop();
  }

  /** Finishes the pass in progress, then stops. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#running;
  }

  /**
   * One pass: publishes up to batchSize due rows and refreshes the gauges. Returns how many
   * rows it took (published or not). Does nothing but the gauges while the publisher has no
   * connection, so an outage costs no attempts: the rows wait.
   */
  async relayOnce(): Promise<number> {
    const taken = this.#publisher.isConnected() ? await this.#publishBatch() : 0;
    await this.#refreshGauges();
    return taken;
  }

  async #loop(): Promise<void> {
    while (!this.#stopping) {
      let taken = 0;
      try {
        taken = await this.relayOnce();
      } catch (error) {
        this.#log.warn({ err: error }, 'outbox relay pass failed; retrying');
      }
      // A full batch means there may be more: go on at once. Otherwise wait for the next poll.
      if (taken < this.#batchSize) await this.#sleep(this.#pollIntervalMs);
    }
  }

  async #sleep(ms: number): Promise<void> {
    if (this.#stopping) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  async #publishBatch(): Promise<number> {
    const client = await this.#pool.connect();
    let taken: number;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, type, event, headers FROM outbox
          WHERE published_at IS NULL AND next_attempt_at <= now()
          ORDER BY created_at
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [this.#batchSize],
      );
      const results = await Promise.allSettled(rows.map((row) => this.#publisher.publish(row)));
      const published: string[] = [];
      const failed: string[] = [];
      const errors: string[] = [];
      results.forEach((result, index) => {
        const row = rows[index];
        if (row === undefined) return;
        if (result.status === 'fulfilled') {
          published.push(row.id);
        } else {
          failed.push(row.id);
          errors.push(result.reason instanceof Error ? result.reason.message : String(result.reason));
        }
      });
      if (published.length > 0) {
        await client.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])', [published]);
      }
      if (failed.length > 0) {
        await client.query(
          `UPDATE outbox AS o
              SET attempts = o.attempts + 1,
                  next_attempt_at = now() + make_interval(secs => least($3::float8 * power(2, o.attempts), $4::float8) / 1000),
                  last_error = f.error
             FROM unnest($1::uuid[], $2::text[]) AS f(id, error)
            WHERE o.id = f.id`,
          [failed, errors, this.#baseBackoffMs, this.#maxBackoffMs],
        );
        this.#log.warn({ failed: failed.length, error: errors[0] }, 'outbox events could not be published; retrying with backoff');
      }
      await client.query('COMMIT');
      this.#metrics.outboxPublished.inc(published.length);
      this.#metrics.outboxPublishFailures.inc(failed.length);
      taken = rows.length;
    } catch (error) {
      await rollBackAndRelease(client);
      throw error;
    }
    client.release();
    return taken;
  }

  async #refreshGauges(): Promise<void> {
    const { rows } = await this.#pool.query<{ pending: number; oldest: number }>(
      `SELECT count(*)::int AS pending,
              coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest
         FROM outbox WHERE published_at IS NULL`,
    );
    this.#metrics.outboxPending.set(rows[0]?.pending ?? 0);
    this.#metrics.outboxOldestPendingAge.set(rows[0]?.oldest ?? 0);
  }
}
