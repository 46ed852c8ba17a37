import { describe, expect, it } from 'vitest';
import { captureIo } from '@paved/testkit';
import { EXIT, PavedError, UsageError, closest, combineUsageErrors, helpText, parseFlags, reportError, unknownCommand } from '../src/index.js';

describe('reportError', () => {
  it('prints an error the user can act on as message, then hint, and returns its exit code', () => {
    const io = captureIo();
    expect(reportError(new UsageError('--port "x" is not a number', 'pass a whole number, e.g. --port 8080'), io, 'paved thing')).toBe(EXIT.usage);
    expect(io.err()).toBe('paved thing: error: --port "x" is not a number\n  pass a whole number, e.g. --port 8080\n');
    expect(io.out()).toBe('');
  });

  it('with --json, prints the same error as one JSON object on stdout', () => {
    const io = captureIo();
    expect(reportError(new PavedError('git push failed', { exitCode: EXIT.failure }), io, 'paved publish', true)).toBe(1);
    expect(JSON.parse(io.out())).toEqual({ error: { command: 'paved publish', message: 'git push failed', exitCode: 1 } });
  });

  it('treats an abort as a cancel (130) and anything else as a bug, printed with its stack', () => {
    const cancelled = captureIo();
    expect(reportError(Object.assign(new Error('aborted'), { name: 'AbortError' }), cancelled, 'create-service')).toBe(EXIT.cancelled);
    expect(cancelled.err()).toBe('create-service: cancelled; nothing was written\n');
    const bug = captureIo();
    expect(reportError(new TypeError('x is undefined'), bug, 'paved')).toBe(EXIT.failure);
    expect(bug.err()).toMatch(/^paved: unexpected error \(please report it\): TypeError: x is undefined\n {4}at /);
  });
});

describe('parseFlags', () => {
  const options = { template: { type: 'string', short: 't' }, 'dry-run': { type: 'boolean' } } as const;

  it('parses known flags and positionals', () => {
    const { values, positionals } = parseFlags(['orders', '-t', 'go', '--dry-run'], options, 'create-service');
    expect(values).toEqual({ template: 'go', 'dry-run': true });
    expect(positionals).toEqual(['orders']);
  });

  it('refuses an unknown flag with the nearest known one and where to look', () => {
    let thrown: unknown;
    try {
      parseFlags(['--tempalte', 'go'], options, 'create-service');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as UsageError).message).toBe("Unknown option '--tempalte'; did you mean --template?");
    expect((thrown as UsageError).hint).toBe('run `create-service --help` for the options');
    expect(() => parseFlags(['--verbose'], options, 'x')).toThrow(/^Unknown option '--verbose'$/);
    expect(() => parseFlags(['--template'], options, 'x')).toThrow(/argument missing/);
  });
});

describe('command groups', () => {
  it('refuse a positional argument beyond the number a command takes', () => {
    expect(() => parseFlags(['orders'], {}, 'paved release', 0)).toThrow(/^unexpected argument "orders"$/);
    expect(parseFlags(['orders'], {}, 'create-service', 1).positionals).toEqual(['orders']);
  });

  it('name an unknown command with the nearest one, else with what the group says', () => {
    const near = unknownCommand('relase', ['release', 'promote'], 'paved', 'expected release or promote');
    expect([near.message, near.hint, near.exitCode]).toEqual(['unknown command "relase"; did you mean release?', 'run `paved --help` for the commands', 2]);
    expect(unknownCommand('deploy', ['release', 'promote'], 'paved', 'expected release or promote').message).toBe(
      'unknown command "deploy"; expected release or promote',
    );
    expect(unknownCommand('deploy', ['release'], 'paved').message).toBe('unknown command "deploy"');
  });
});

describe('closest', () => {
  it('finds a command within two edits, and nothing further away', () => {
    expect(closest('relase', ['release', 'promote'])).toBe('release');
    expect(closest('platfrom', ['create', 'platform'])).toBe('platform');
    expect(closest('deploy', ['release', 'promote'])).toBeUndefined();
  });
});

describe('combineUsageErrors', () => {
  it('reports one problem as itself and several as a list', () => {
    expect(combineUsageErrors(['--team is required']).message).toBe('--team is required');
    expect(combineUsageErrors(['--team is required', '--template is required']).message).toBe(
      '2 problems:\n  - --team is required\n  - --template is required',
    );
  });
});

describe('helpText', () => {
  it('lays out usage, what it does, options, examples and the exit-code table in that order', () => {
    const text = helpText({
      usage: ['tool run [options]', 'tool --help'],
      about: 'Runs the thing.',
      options: '      --dry-run   change nothing',
      examples: ['tool run --dry-run'],
      exitCodes: ['3 conflicts left to resolve'],
      json: true,
      footer: 'Environment: TOOL_HOME.',
    });
    expect(text).toBe(`Usage: tool run [options]
       tool --help

Runs the thing.

Options:
      --dry-run   change nothing

Examples:
  tool run --dry-run

Exit codes:
  0    done (also when there is nothing to do)
  2    invalid usage or input; the message says what was wrong and how to fix it
  3    conflicts left to resolve
  130  cancelled (Ctrl-C)
  1    anything else (a tool failing, I/O)
With --json, an error is also printed on stdout as {"error": {...}}.

Environment: TOOL_HOME.
`);
  });
});
