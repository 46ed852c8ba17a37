// The rules for answers: which values a template accepts, what is missing, and how command-line
// strings become typed values (the answers file is answers-file.ts; an update's changes to the
// recorded answers are update/answer-changes.ts).
import { combineUsageErrors, UsageError } from '@paved/frame';
import type { Parameter, Template } from './manifest.js';
import { NAME_MAX, nameProblem, NAME_RULE } from '@paved/naming';

export type AnswerValue = string | number | boolean;

/** Validated answers: everything a render needs, and what `.paved/answers.yaml` replays. */
export interface Answers {
  name: string;
  team: string;
  /** One value per declared parameter (defaults applied). */
  values: Record<string, AnswerValue>;
  /** Enabled feature ids, in manifest order. */
  features: string[];
}

/** What the user gave (flags, `--set`, prompts, an answers file); values may still be strings. */
export interface RawAnswers {
  name?: string | undefined;
  team?: string | undefined;
  values?: Record<string, AnswerValue | undefined>;
  features?: string[];
}

const FREE_TEXT_MAX = 1000;

/** Names of required values that are still missing (nothing given, no default). */
export function missingValues(template: Template, raw: RawAnswers): string[] {
  const missing: string[] = [];
  if (raw.name === undefined) missing.push('name');
  if (raw.team === undefined) missing.push('team');
  for (const p of template.manifest.parameters) {
    if (raw.values?.[p.name] === undefined && p.default === undefined) missing.push(p.name);
  }
  return missing;
}

/**
 * Checks every value against the manifest, applies defaults and returns the answers.
 * All problems are reported at once, so a user fixes a command line in one go.
 */
export function resolveAnswers(template: Template, raw: RawAnswers): Answers {
  const { manifest } = template;
  const problems: string[] = [];
  const name = raw.name ?? '';
  const team = raw.team ?? '';
  const nameIssue = raw.name === undefined ? 'the service name is missing' : nameProblem('service', name);
  if (nameIssue) problems.push(`${nameIssue} (a service name is ${NAME_RULE}, at most ${NAME_MAX.service} characters)`);
  else if (manifest.reservedNames?.names.has(name.replace(/-/g, '_'))) {
    problems.push(
      `the service name ${JSON.stringify(name)} cannot be used with template ${manifest.id}: ${manifest.reservedNames.reason}; pick another, e.g. ${JSON.stringify(`${name}-service`)}`,
    );
  }
  const teamIssue = raw.team === undefined ? 'the team is missing (--team)' : nameProblem('team', team);
  if (teamIssue) problems.push(`${teamIssue} (a team name is ${NAME_RULE}, at most ${NAME_MAX.team} characters)`);

  const declared = new Map(manifest.parameters.map((p) => [p.name, p]));
  for (const key of Object.keys(raw.values ?? {})) {
    if (!declared.has(key)) {
      const known = [...declared.keys()].join(', ') || '(none)';
      problems.push(`template ${manifest.id} has no parameter ${JSON.stringify(key)}; its parameters are: ${known}`);
    }
  }
  const values: Record<string, AnswerValue> = {};
  for (const p of manifest.parameters) {
    const given = raw.values?.[p.name];
    const value = given ?? p.default;
    if (value === undefined) {
      problems.push(`parameter ${p.name} is required (${p.prompt}); pass --set ${p.name}=<value>`);
      continue;
    }
    const checked = checkValue(p, value);
    if (typeof checked === 'string') problems.push(checked);
    else values[p.name] = checked.value;
  }

  const known = manifest.features.map((f) => f.id);
  const wanted = new Set<string>();
  for (const f of raw.features ?? []) {
    if (!known.includes(f)) {
      problems.push(`template ${manifest.id} has no feature ${JSON.stringify(f)}; available: ${known.join(', ') || '(none)'}`);
    }
    wanted.add(f);
  }
  for (const f of manifest.features) {
    const missing = wanted.has(f.id) ? (f.requires ?? []).filter((required) => !wanted.has(required)) : [];
    if (missing.length > 0) {
      problems.push(
        `feature ${f.id} needs ${missing.join(' and ')}; turn ${missing.length > 1 ? 'them' : 'it'} on too (--with ${[...missing, f.id].join(',')})`,
      );
    }
  }
  if (problems.length > 0) throw combineUsageErrors(problems, 'run `create-service --help` for the flags, `--list-templates` for parameters and features');
  return { name, team, values, features: known.filter((f) => wanted.has(f)) };
}

/** A value as a message shows it: quoted, and cut short when long (a message never echoes 100 KB back). */
function shownValue(value: AnswerValue): string {
  if (typeof value !== 'string' || value.length <= 80) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, 60))}… (${value.length} characters)`;
}

/** Numbers as people write them in decimal: 8080, -1, 0.5 (not 0x1F90, 1e3 or " 8080"). */
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Coerces a command-line string to the parameter's type and checks it; a string result is the problem. */
export function checkValue(p: Parameter, value: AnswerValue): { value: AnswerValue } | string {
  const shown = shownValue(value);
  switch (p.type) {
    case 'boolean': {
      if (typeof value === 'boolean') return { value };
      if (value === 'true' || value === 'yes') return { value: true };
      if (value === 'false' || value === 'no') return { value: false };
      return `parameter ${p.name} must be true or false (got ${shown})`;
    }
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && DECIMAL.test(value) ? Number(value) : Number.NaN;
      if (!Number.isFinite(n)) return `parameter ${p.name} must be a number in decimal digits, e.g. ${p.default ?? 8080} (got ${shown})`;
      if (p.integer && !Number.isInteger(n)) return `parameter ${p.name} must be a whole number (got ${shown})`;
      if ((p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) {
        return `parameter ${p.name} must be between ${p.min ?? '-∞'} and ${p.max ?? '∞'} (got ${shown})`;
      }
      return { value: n };
    }
    case 'enum': {
      if (typeof value === 'string' && p.values.includes(value)) return { value };
      return `parameter ${p.name} must be one of ${p.values.join(', ')} (got ${shown})`;
    }
    case 'string': {
      if (typeof value !== 'string') return `parameter ${p.name} must be text (got ${shown})`;
      if (value.length > FREE_TEXT_MAX) return `parameter ${p.name} is ${value.length} characters long; at most ${FREE_TEXT_MAX} are allowed`;
      // Control characters have no business in generated files, and some (NUL, escape
      // sequences) break tools or terminals downstream. Checked before the template's own
      // pattern, whose message would not say which character is wrong.
      // eslint-disable-next-line no-control-regex
      const control = /[\u0000-\u0008\u000b-\u001f\u007f]/.exec(value);
      if (control)
        return `parameter ${p.name} contains the control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at position ${control.index + 1}; use printable text`;
      if (value !== '' && value.trim() === '') return `parameter ${p.name} is only spaces; give text, or leave it out to take the default`;
      if (p.pattern !== undefined && !new RegExp(p.pattern, 'u').test(value)) {
        return `parameter ${p.name} ${shown} is not allowed: ${p.patternHelp ?? `it must match ${p.pattern}`}`;
      }
      return { value };
    }
  }
}

/**
 * Feature ids from `--with` / `--without` (repeatable, comma-separated); an empty entry (a
 * stray comma, `--with ,`) is a usage error rather than nothing.
 */
export function parseFeatureFlags(values: string[] | undefined, flag: string): string[] {
  const ids = (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
  if (ids.some((id) => id === ''))
    throw new UsageError(
      `${flag} expects feature ids separated by commas (got ${(values ?? []).map((v) => JSON.stringify(v)).join(', ')})`,
      `for example: ${flag} postgres,events`,
    );
  return ids;
}

/** Parses `key=value` pairs from `--set`; a malformed one is a usage error. */
export function parseSetFlags(pairs: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--set expects key=value (got ${JSON.stringify(pair)})`, 'for example: --set port=8081');
    values[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return values;
}
