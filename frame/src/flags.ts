import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

export type FlagOptions = NonNullable<ParseArgsConfig['options']>;
/** What parseArgs gives for these options, positionals allowed. */
type ParsedFlags<T extends FlagOptions> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

/**
 * The command line parsed against `options`, strictly; an unknown option is a usage error that
 * names the nearest known one ("--tempalte": did you mean --template?), and an option that
 * takes one value given twice (`-t go -t python`) is one too, instead of the last one winning,
 * and so is a positional argument beyond `maxPositionals`.
 */
export function parseFlags<T extends FlagOptions>(argv: string[], options: T, command: string, maxPositionals = Number.POSITIVE_INFINITY): ParsedFlags<T> {
  const hint = `run \`${command} --help\` for the options`;
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true; tokens: true }>>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
  } catch (cause) {
    let message = (cause as Error).message.replace(/\. To specify a positional.*$/s, '');
    const unknown = /^Unknown option '(--?[^']+)'/.exec(message)?.[1];
    const near = unknown === undefined ? undefined : closest(unknown.replace(/^-+/, ''), Object.keys(options));
    if (near !== undefined) message += `; did you mean --${near}?`;
    throw new UsageError(message, hint);
  }
  const given = new Map<string, string[]>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || options[token.name]?.type !== 'string' || options[token.name]?.multiple) continue;
    given.set(token.name, [...(given.get(token.name) ?? []), token.value ?? '']);
  }
  for (const [name, values] of given)
    if (values.length > 1)
      throw new UsageError(`--${name} is given ${values.length} times (${values.map((v) => JSON.stringify(v)).join(', ')}); pass it once`, hint);
  const extra = parsed.positionals[maxPositionals];
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`, hint);
  return { values: parsed.values, positionals: parsed.positionals } as ParsedFlags<T>;
}

/**
 * A command a command group does not have: named with the nearest one ("relase": did you mean
 * release?), else with `otherwise` (e.g. the list of commands), and where to look.
 */
export function unknownCommand(command: string, commands: readonly string[], group: string, otherwise?: string): UsageError {
  const near = closest(command, commands);
  const after = near ? `; did you mean ${near}?` : otherwise ? `; ${otherwise}` : '';
  return new UsageError(`unknown command ${JSON.stringify(command)}${after}`, `run \`${group} --help\` for the commands`);
}

/** The candidate a typo most likely meant: within two edits (e.g. "relase", "tempalte"), else none. */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row = next;
    }
    return row[b.length]!;
  };
  const [best] = candidates.map((candidate) => ({ candidate, d: distance(typed, candidate) })).sort((x, y) => x.d - y.d);
  return best && best.d <= 2 ? best.candidate : undefined;
}
