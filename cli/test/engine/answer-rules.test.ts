import { describe, expect, it } from 'vitest';
import { UsageError, PavedError } from '@paved/frame';
import { checkManifest, loadTemplate, parseSetFlags, resolveAnswers } from '../../src/engine/index.js';
import type { Template } from '../../src/engine/index.js';
import { FIXTURE_TEMPLATES } from '../support.js';

const template = await loadTemplate('sample', FIXTURE_TEMPLATES);

function problemsOf(raw: Parameters<typeof resolveAnswers>[1]): string {
  try {
    resolveAnswers(template, raw);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error('expected the answers to be refused');
}

describe('service and team names', () => {
  it.each([
    ['', /is empty/],
    ['Orders', /uppercase letters; use lowercase \("orders"\)/],
    ['1orders', /starts with a digit/],
    ['-orders', /starts or ends with a dash/],
    ['orders-', /starts or ends with a dash/],
    ['my..service', /no dots, slashes, spaces/],
    ['a/b', /no dots, slashes, spaces/],
    ['../escape', /no dots, slashes, spaces/],
    ['my service', /no dots, slashes, spaces/],
    ['my_service', /no dots, slashes, spaces/],
    ['a'.repeat(31), /31 characters long; at most 30/],
  ])('refuses the service name %j', (name, problem) => {
    expect(problemsOf({ name, team: 'payments' })).toMatch(problem);
  });

  it('accepts a 30-character DNS label', () => {
    expect(resolveAnswers(template, { name: `a${'b1-'.repeat(9)}cd`, team: 'payments' }).name).toHaveLength(30);
  });

  it('refuses a bad team name and a team that is too long', () => {
    expect(problemsOf({ name: 'orders', team: 'Payments' })).toMatch(/team name "Payments" has uppercase/);
    expect(problemsOf({ name: 'orders', team: 'p'.repeat(21) })).toMatch(/at most 20/);
  });
});

describe('parameters and features', () => {
  it('applies defaults and coerces command-line strings to the declared types', () => {
    const answers = resolveAnswers(template, { name: 'orders', team: 'payments', values: { port: '9090', public: 'true' } });
    expect(answers.values).toMatchObject({ port: 9090, public: true, lifecycle: 'experimental', description: 'A sample service' });
  });

  it('reports every problem at once, each saying what is allowed', () => {
    const message = problemsOf({
      name: 'Bad',
      team: 'payments',
      values: { port: '80', lifecycle: 'retired', public: 'maybe', owner: 'Not Valid', colour: 'blue' },
      features: ['extra', 'turbo'],
    });
    expect(message).toMatch(/^7 problems:/);
    expect(message).toContain('parameter port must be between 1024 and 65535 (got "80")');
    expect(message).toContain('parameter lifecycle must be one of experimental, production (got "retired")');
    expect(message).toContain('parameter public must be true or false (got "maybe")');
    expect(message).toContain('parameter owner "Not Valid" is not allowed: lowercase letters only');
    expect(message).toContain('template sample has no parameter "colour"; its parameters are: system, owner, description, lifecycle, port, public, apiToken');
    expect(message).toContain('template sample has no feature "turbo"; available: extra');
    expect(message).toContain('uppercase');
  });

  it('refuses control characters and overlong free text', () => {
    expect(problemsOf({ name: 'a', team: 'b', values: { description: 'bell\u0007' } })).toMatch(
      /contains the control character U\+0007 at position 5; use printable text/,
    );
    expect(problemsOf({ name: 'a', team: 'b', values: { description: 'x'.repeat(1001) } })).toMatch(/at most 1000/);
  });

  it('parses --set pairs and refuses malformed ones', () => {
    expect(parseSetFlags(['port=1', 'description=a=b'])).toEqual({ port: '1', description: 'a=b' });
    expect(() => parseSetFlags(['port'])).toThrow(/--set expects key=value \(got "port"\)/);
  });
});

describe('manifest checks', () => {
  const base = { id: 'x', version: '1.0.0', description: 'd', language: 'l' };
  it.each([
    [{ ...base, version: 'one' }, /version "one" is not allowed: use a semantic version like 1\.2\.3/],
    [{ ...base, colour: 'blue' }, /unknown field "colour" in \(document\); allowed fields: id, version/],
    [{ ...base, parameters: [{ name: 'x', type: 'number', default: 'eight' }] }, /parameters\[0\]\.default must be a number, got string "eight"/],
    [{ ...base, parameters: [{ name: 'x', type: 'enum' }] }, /parameters\[0\] is missing the required field "values"/],
    [{ ...base, id: 'Bad Id' }, /id "Bad Id" is not allowed: use lowercase letters, digits and "-"/],
    [{ ...base, version: 'v1.0.0' }, /version "v1\.0\.0" is not allowed: use a semantic version like 1\.2\.3/],
    [{ ...base, parameters: [{ name: 'team', type: 'string' }] }, /reserved name/],
    [{ ...base, parameters: [{ name: 'x', type: 'text' }] }, /type must be one of string, boolean, enum, number/],
    [{ ...base, parameters: [{ name: 'x', type: 'enum', values: ['a'], default: 'b' }] }, /default must be one of a/],
    [{ ...base, parameters: [{ name: 'x', type: 'string', pattern: '[a-z]+' }] }, /must be anchored/],
    [
      {
        ...base,
        features: [
          { id: 'f', description: 'a' },
          { id: 'f', description: 'b' },
        ],
      },
      /declare "f" twice/,
    ],
    [
      { ...base, parameters: [{ name: 'x', type: 'string', default: 'a', ask: 'sometimes' }] },
      /ask must be one of always, unless-configured, never; got string "sometimes"/,
    ],
    [{ ...base, parameters: [{ name: 'x', type: 'string', ask: 'never' }] }, /ask is never, so the parameter needs a default/],
    [
      { ...base, features: [{ id: 'events', description: 'e', requires: ['postgres'] }] },
      /features \(events\)\.requires names "postgres", which is not a feature declared before "events"/,
    ],
    [
      {
        ...base,
        features: [
          { id: 'events', description: 'e', requires: ['postgres'] },
          { id: 'postgres', description: 'p' },
        ],
      },
      /names "postgres", which is not a feature declared before "events"/,
    ],
    [{ ...base, features: [{ id: 'loop', description: 'l', requires: ['loop'] }] }, /names "loop", which is not a feature declared before "loop"/],
  ])('refuses %j', async (raw, problem) => {
    await expect(checkManifest(raw, 'template.yaml')).rejects.toThrow(PavedError);
    await expect(checkManifest(raw, 'template.yaml')).rejects.toThrow(problem);
  });

  it('asks for a parameter unless its manifest says otherwise', async () => {
    const manifest = await checkManifest(
      {
        ...base,
        parameters: [
          { name: 'x', type: 'string' },
          { name: 'y', type: 'number', default: 1, ask: 'never' },
        ],
      },
      'template.yaml',
    );
    expect(manifest.parameters.map((p) => p.ask)).toEqual(['always', 'never']);
  });
});

describe('features that need other features', () => {
  it('refuses a feature without the ones it needs, and says how to turn them on', async () => {
    const manifest = await checkManifest(
      {
        id: 'x',
        version: '1.0.0',
        description: 'd',
        language: 'l',
        features: [
          { id: 'postgres', description: 'p' },
          { id: 'cache', description: 'c' },
          { id: 'events', description: 'e', requires: ['postgres', 'cache'] },
        ],
      },
      'template.yaml',
    );
    const sample: Template = { ...template, manifest };
    expect(() => resolveAnswers(sample, { name: 'a', team: 'b', features: ['events'] })).toThrow(
      'feature events needs postgres and cache; turn them on too (--with postgres,cache,events)',
    );
    expect(() => resolveAnswers(sample, { name: 'a', team: 'b', features: ['events', 'postgres'] })).toThrow(
      'feature events needs cache; turn it on too (--with cache,events)',
    );
    expect(resolveAnswers(sample, { name: 'a', team: 'b', features: ['events', 'cache', 'postgres'] }).features).toEqual(['postgres', 'cache', 'events']);
  });
});

describe('names a template reserves', () => {
  it('refuses a python service whose package would shadow the standard library or a dependency', async () => {
    const { fileURLToPath } = await import('node:url');
    const python = await loadTemplate('python', fileURLToPath(new URL('../../../templates', import.meta.url)));
    for (const name of ['email', 'logging', 'fastapi', 'class', 'typing-extensions']) {
      expect(() => resolveAnswers(python, { name, team: 'payments' })).toThrow(
        new RegExp(
          `the service name "${name}" cannot be used with template python: it would shadow a Python standard-library module, keyword or dependency of the same name; pick another, e\\.g\\. "${name}-service"`,
        ),
      );
    }
    expect(resolveAnswers(python, { name: 'email-service', team: 'payments' }).name).toBe('email-service');
  });
});
