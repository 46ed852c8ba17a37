/**
 * create-service at a real terminal (a pseudo-terminal driven by support/pty-session.py, typing
 * as a person would): the name first, then the golden path, then only what a service developer
 * knows; Enter takes each shown default; organisation settings come from paved.config.yaml and
 * are asked only when no file gives them; a summary and a confirmation come before anything is
 * written, and No or Ctrl-C leaves nothing behind.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NO_USER_CONFIG, tempDir } from '../support.js';
import { TEMPLATES_ROOT } from '../templates/harness.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/create-service.js', import.meta.url));
const PTY = fileURLToPath(new URL('../support/pty-session.py', import.meta.url));
const ENTER = '\r';

/** Runs create-service in a terminal in cwd, typing each step's keys once its text is shown; the terminal's text without escape sequences. */
async function atTerminal(cwd: string, steps: Array<[string, string]>, args: string[] = []): Promise<{ code: number; screen: string }> {
  const { CI: _ci, ...env } = process.env; // a person at a terminal, not a CI job
  const result = await run('python3', [PTY, JSON.stringify(steps), '--', process.execPath, BIN, ...args], {
    cwd,
    env: { ...env, XDG_CONFIG_HOME: NO_USER_CONFIG, PAVED_TEMPLATES_DIR: TEMPLATES_ROOT },
    maxBuffer: 1 << 24,
  }).then(
    (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
    (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr }),
  );
  // eslint-disable-next-line no-control-regex
  const screen = result.stdout.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '');
  if (result.code === 124) throw new Error(`${result.stderr}\n${screen}`);
  return { code: result.code, screen };
}

/** The questions answered, in order (clack marks each with ◇ once answered; the summary box too). */
/** The go template's questions when no paved.config.yaml gives anything, each answered (the team typed, the rest by Enter). */
const GO_QUESTIONS: Array<[string, string]> = [
  ['Owning team', 'search' + ENTER],
  ['What does the service do?', ENTER],
  ['GitHub organisation', ENTER],
  ['copy of the Paved repository', ENTER],
  ['Optional features', ENTER],
];

const questionsIn = (screen: string): string[] =>
  [...screen.matchAll(/◇ {2}([^\n]+)/g)].map((m) => m[1]!.trim()).filter((question) => !question.startsWith('Summary'));

describe('create-service at a terminal', () => {
  it('asks the name first, takes each shown default with Enter, asks no organisation setting a paved.config.yaml gives, and confirms a summary before writing', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'paved.config.yaml'), 'defaults:\n  team: payments\n  githubOrg: initech\n  pavedRepository: initech/paved\n');
    const { code, screen } = await atTerminal(cwd, [
      ['Service name', ENTER],
      ['Which golden path?', ENTER],
      ['Owning team', ENTER],
      ['What does the service do?', 'Takes orders' + ENTER],
      ['Optional features', ENTER],
      ['Create my-service?', ENTER],
    ]);
    expect(code, screen).toBe(0);
    expect(questionsIn(screen)).toEqual([
      'Service name',
      'Which golden path?',
      'Owning team',
      'What does the service do?',
      'Optional features (space to toggle, Enter for none)',
      'Create my-service?',
    ]);
    expect(screen).toMatch(/githubOrg\s+initech {2}\(.*paved\.config\.yaml\)/);
    expect(screen).toMatch(/template\s+typescript \d+\.\d+\.\d+/);
    expect(screen).toContain('Created my-service (typescript');
    const answers = parse(await readFile(join(cwd, 'my-service', '.paved', 'answers.yaml'), 'utf8')) as { team: string; values: Record<string, unknown> };
    expect(answers.team).toBe('payments');
    expect(answers.values).toMatchObject({ description: 'Takes orders', githubOrg: 'initech', pavedRepository: 'initech/paved', memory: '256Mi', port: 8080 });
  }, 60_000);

  it('asks for an organisation setting only when no file gives it, and never for a setting every service starts from (memory, port)', async () => {
    const cwd = await tempDir();
    const { code, screen } = await atTerminal(cwd, [...GO_QUESTIONS, ['Create orders?', ENTER]], ['orders', '--template', 'go', '--no-git']);
    expect(code, screen).toBe(0);
    expect(questionsIn(screen)).toEqual([
      'Owning team',
      'What does the service do?',
      'GitHub organisation that will own the repository (also the ghcr.io image namespace)',
      "Your organisation's copy of the Paved repository, whose reusable workflows CI calls (owner/name)",
      'Optional features (space to toggle, Enter for none)',
      'Create orders?',
    ]);
    expect(screen).toMatch(/githubOrg\s+acme {2}\(template default: set it once in paved\.config\.yaml\)/);
    expect(screen).not.toMatch(/Memory per pod|Port the service/);
  }, 60_000);

  it('picking a feature picks the features it needs (events brings postgres)', async () => {
    const cwd = await tempDir();
    const DOWN = '\x1b[B';
    const { code, screen } = await atTerminal(
      cwd,
      [...GO_QUESTIONS.slice(0, -1), ['Optional features', `${DOWN} ${ENTER}`], ['Create orders?', ENTER]],
      ['orders', '--template', 'go', '--no-git'],
    );
    expect(code, screen).toBe(0);
    expect(screen).toContain('(needs postgres)');
    expect(screen).toMatch(/features\s+postgres, events/);
    const answers = parse(await readFile(join(cwd, 'orders', '.paved', 'answers.yaml'), 'utf8')) as { features: string[] };
    expect(answers.features).toEqual(['postgres', 'events']);
  }, 60_000);

  it('writes nothing when the summary is declined (exit 130)', async () => {
    const cwd = await tempDir();
    const { code, screen } = await atTerminal(cwd, [...GO_QUESTIONS, ['Create orders?', 'n']], ['orders', '--template', 'go']);
    expect(code).toBe(130);
    expect(screen).toContain('cancelled; nothing was written');
    expect(await readdir(cwd)).toEqual([]);
  }, 60_000);

  it('writes nothing when Ctrl-C is pressed at the first question (exit 130)', async () => {
    const cwd = await tempDir();
    const { code, screen } = await atTerminal(cwd, [['Service name', '\x03']]);
    expect(code).toBe(130);
    expect(screen).toContain('nothing was written');
    expect(await readdir(cwd)).toEqual([]);
  }, 60_000);
});
