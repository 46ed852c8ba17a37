/**
 * Every command's --help has the same parts, in the same order, as `gh` prints them: usage,
 * what it does, options, examples, exit codes. The exit-code lines come from one table.
 */
import { EXIT } from './errors.js';

export interface HelpText {
  /** One or more `Usage:` lines, without the prefix. */
  usage: string | readonly string[];
  /** What the command does, as a paragraph. */
  about: string;
  /** Aligned option lines, or command lines for a command group. */
  options?: string;
  /** Heading for `options` (default "Options"). */
  optionsHeading?: string;
  examples: readonly string[];
  /** The codes this command can return beyond 0, 1 and 2, e.g. ["3 conflicts left to resolve"]. */
  exitCodes?: readonly string[];
  /** The command takes --json (its errors are then JSON on stdout too). */
  json?: boolean;
  /** Lines after the exit codes, e.g. environment variables read. */
  footer?: string;
}

export function helpText(help: HelpText): string {
  const usage = typeof help.usage === 'string' ? [help.usage] : help.usage;
  const parts = [
    usage.map((line, i) => `${i === 0 ? 'Usage: ' : '       '}${line}`).join('\n'),
    help.about,
    ...(help.options ? [`${help.optionsHeading ?? 'Options'}:\n${help.options}`] : []),
    `Examples:\n${help.examples.map((line) => `  ${line}`).join('\n')}`,
    [
      'Exit codes:',
      `  ${EXIT.ok}    done (also when there is nothing to do)`,
      `  ${EXIT.usage}    invalid usage or input; the message says what was wrong and how to fix it`,
      ...(help.exitCodes ?? []).map((line) => `  ${line.replace(/^(\d+) /, (_, code: string) => code.padEnd(5))}`),
      `  ${EXIT.cancelled}  cancelled (Ctrl-C)`,
      `  ${EXIT.failure}    anything else (a tool failing, I/O)`,
      ...(help.json ? ['With --json, an error is also printed on stdout as {"error": {...}}.'] : []),
    ].join('\n'),
    ...(help.footer ? [help.footer] : []),
  ];
  return `${parts.join('\n\n')}\n`;
}
