import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs `body` in a fresh Node process with stdoutSink() as `sink`; returns its stdout. */
function runWithStdoutSink(body: string): { status: number | null; stdout: string; stderr: string } {
  const program = `import { stdoutSink } from './src/logging.ts';\nconst sink = stdoutSink();\n${body}`;
  const result = spawnSync(process.execPath, ['--input-type=module', '--eval', program], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const expected = Array.from({ length: 5000 }, (_, i) => `line ${i}`);

describe('stdout log sink', () => {
  it('writes every line, whole and in order, when the process exits at once', () => {
    const result = runWithStdoutSink(`for (let i = 0; i < 5000; i++) sink.write('line ' + i + '\\n');\nprocess.exit(0);`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n').slice(0, -1)).toEqual(expected);
  });

  it('writes lines logged across many event-loop turns, and those pending at an uncaught error', () => {
    const result = runWithStdoutSink(
      `let i = 0;\nconst next = () => { for (let n = 0; n < 50; n++, i++) sink.write('line ' + i + '\\n'); if (i < 5000) setImmediate(next); else throw new Error('boom'); };\nnext();`,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('boom');
    expect(result.stdout.split('\n').slice(0, -1)).toEqual(expected);
  });
});
