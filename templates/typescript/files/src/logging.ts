import { pino } from 'pino';
import { isoNow } from './clock.ts';

/** Where JSON log lines go: each `write` gets one whole line, newline included. */
export interface LogSink {
  write(line: string): void;
}

/**
 * Lines gathered while the event loop handles a batch of requests and written to stdout as
 * one string once the batch is done (setImmediate runs after the loop's I/O phase), instead
 * of one write per line: one system call per request cost more than the rest of a request's
 * logging. The write itself is synchronous (pino's SonicBoom in sync mode, which also waits
 * out a full non-blocking pipe), so no line is ever in flight in another thread: whatever is
 * pending when the process exits (process.exit, an uncaught exception) is written by the
 * exit handler. Nothing waits when traffic is low.
 */
class BatchingStdout implements LogSink {
  readonly #target = pino.destination({ dest: 1, sync: true });
  #pending: string[] = [];
  #scheduled = false;

  constructor() {
    process.on('exit', () => {
      this.#handOver();
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

let lastTime = '';
let lastTimeField = '';

/** The `,"time":"<ISO 8601>"` part of a line, made once per millisecond (see isoNow). */
export function timeField(): string {
  const time = isoNow();
  if (time !== lastTime) {
    lastTime = time;
    lastTimeField = `,"time":"${time}"`;
  }
  return lastTimeField;
}
