import { pino } from 'pino';

/** Where JSON log lines go: each `write` gets one whole line, newline included. */
export interface LogSink {
  write(line: string): void;
}

/**
 * Lines gathered while the event loop handles a batch of requests and handed to stdout as
 * one string once the batch is done (setImmediate runs after the loop's I/O phase), instead
 * of one write per line. The writer underneath (pino's SonicBoom) writes asynchronously, so
 * a slow reader of stdout does not stall requests; it re-measures its pending text on every
 * write, which made one write per line cost more than the rest of a request's logging.
 * Nothing waits when traffic is low, and whatever is pending is written synchronously when
 * the process exits (also on process.exit and after an uncaught exception).
 */
class BatchingStdout implements LogSink {
  readonly #target = pino.destination({ dest: 1, sync: false });
  #pending: string[] = [];
  #scheduled = false;

  constructor() {
    process.on('exit', () => {
      this.#handOver();
      this.#target.flushSync();
    });
  }

  write(line: string): void {
    this.#pending.push(line);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#handOver();
      });
    }
  }

  #handOver(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const text = this.#pending.join('');
    this.#pending = [];
    this.#target.write(text);
  }
}

let stdout: BatchingStdout | undefined;

/** stdout as a LogSink; one per process, however many apps are built. */
export function stdoutSink(): LogSink {
  stdout ??= new BatchingStdout();
  return stdout;
}

let lastMillis = -1;
let lastTimeField = '';

/**
 * The `,"time":"<ISO 8601>"` part of a line: one Date and ISO string per millisecond rather
 * than per line, since a busy service writes many lines within the same millisecond.
 */
export function timeField(): string {
  const now = Date.now();
  if (now !== lastMillis) {
    lastMillis = now;
    lastTimeField = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTimeField;
}
