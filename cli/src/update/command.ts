import { relative, resolve } from 'node:path';
import { UsageError, helpText, parseFlags, reportError, type Io } from '@paved/frame';
import { TEMPLATE_BRANCH } from '../git.js';
import { parseFeatureFlags, parseSetFlags } from '../engine/index.js';
import { CONFLICT_EXIT_CODE, updateService, type UpdateSummary } from './update.js';

export const UPDATE_HELP = helpText({
  usage: 'paved update [<dir>] [options]      (also: create-service update ...)',
  about: `Brings a generated service up to date with its template, with git's own three-way merge:
the template at the version recorded in .paved/answers.yaml is the base, the template at the
target version is theirs, your branch is ours. Your edits survive, template changes arrive,
renamed and deleted template files are followed, and real conflicts get standard conflict
markers. The pristine renders live on the branch paved/template. <dir> defaults to the
current folder; the working tree must be clean.`,
  options: `      --to <version>        template version to update to (default: the version of the
                            templates in use; other versions come from the release tag
                            templates/<id>/v<version> of the templates' git checkout)
      --set <key=value>     change an answer (repeatable), e.g. --set port=8081
      --with <a,b>          turn features on (repeatable, comma-separated)
      --without <a,b>       turn features off
  -y, --yes                 never prompt: a new parameter takes its default
      --dry-run             show what would change and conflict; write nothing
      --json                print a machine-readable summary
  -h, --help                show this help`,
  examples: ['paved update --dry-run', 'paved update services/orders --to 1.2.1', 'paved update --with postgres --set port=8081 --yes --json'],
  exitCodes: ['3 conflicts left to resolve (fix the markers, then commit)'],
  json: true,
  footer: `Invalid input (exit 2) includes a working tree that is not clean and a template version
that does not exist.
Environment: PAVED_TEMPLATES_DIR sets where templates are read from.`,
}).trimEnd();

const OPTIONS = {
  to: { type: 'string' },
  set: { type: 'string', multiple: true },
  with: { type: 'string', multiple: true },
  without: { type: 'string', multiple: true },
  yes: { type: 'boolean', short: 'y' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `paved update` / `create-service update`: flags in, summary out, exit code back. */
export async function runUpdateCommand(argv: string[], io: Io): Promise<number> {
  try {
    const { values: flags, positionals } = parseFlags(argv, OPTIONS, 'paved update');
    if (flags.help) {
      io.stdout.write(`${UPDATE_HELP}\n`);
      return 0;
    }
    if (positionals.length > 1) throw new UsageError(`expected at most one service folder, got ${positionals.length}: ${positionals.join(' ')}`);
    const interactive = io.interactive && !flags.yes && !flags.json && !io.env.CI;
    const summary = await updateService({
      dir: resolve(io.cwd, positionals[0] ?? '.'),
      to: flags.to,
      changes: { set: parseSetFlags(flags.set ?? []), with: parseFeatureFlags(flags.with, '--with'), without: parseFeatureFlags(flags.without, '--without') },
      dryRun: flags['dry-run'] === true,
      env: io.env,
      ask: interactive
        ? async (template, raw) => {
            // A new parameter the template gained: asked as create-service would, without
            // organisation settings (the recorded answers already hold them).
            const { askMissing } = await import('../prompts.js');
            const asked = await askMissing(template, raw, { defaults: new Map() }, false);
            return { ...raw, team: raw.team ?? asked.team, values: { ...raw.values, ...asked.values } };
          }
        : undefined,
    });
    io.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary, io.cwd));
    return summary.status === 'conflicts' ? CONFLICT_EXIT_CODE : 0;
  } catch (error) {
    return reportError(error, io, 'paved update', argv.includes('--json'));
  }
}

/** The text report: what happened, file by file, and what to do next. */
export function formatSummary(s: UpdateSummary, cwd: string): string {
  const where = relative(cwd, s.dir) || '.';
  const lines: string[] = [];
  const versions = s.from === s.to ? `${s.template} template ${s.to}` : `${s.template} template ${s.from} → ${s.to}`;
  const from = s.source === 'templates' ? '' : ` (from tag ${s.source})`;
  if (s.bootstrapped) lines.push(`No ${TEMPLATE_BRANCH} branch: created it from a render of ${s.template} template ${s.from}, the recorded version.`);
  const headline: Record<UpdateSummary['status'], string> = {
    'up-to-date': `${where} is up to date with ${versions}${from}.`,
    updated: `Updated ${where}: ${versions}${from}.`,
    conflicts: `Merged ${versions}${from} into ${where}, with conflicts to resolve.`,
    'would-update': `Dry run: updating ${where} to ${versions}${from} would merge cleanly.`,
    'would-conflict': `Dry run: updating ${where} to ${versions}${from} would leave conflicts.`,
  };
  lines.push(headline[s.status]);
  const a = s.answers;
  // Up to date, nothing was written: what the target has no place for is left in the file.
  const leftOut = s.status === 'up-to-date' ? 'ignored: left in .paved/answers.yaml' : 'dropped';
  const answerNotes = [
    ...a.changed.map((k) => `${k} changed`),
    ...a.added.map((k) => `new parameter ${k}`),
    ...a.dropped.map((k) => `${k} ${leftOut} (${s.template} template ${s.to} has no parameter ${k})`),
    ...a.featuresAdded.map((f) => `feature ${f} added`),
    ...a.featuresRemoved.map((f) => `feature ${f} removed`),
    ...a.featuresUnknown.map((f) => `feature ${f} ${leftOut} (${s.template} template ${s.to} has no such feature)`),
  ];
  if (answerNotes.length > 0) lines.push(`Answers: ${answerNotes.join('; ')}.`);
  const f = s.files;
  const conflicted = new Set(f.conflicted);
  const count = f.updated.length + f.added.length + f.removed.length + f.renamed.length;
  if (count > 0 || conflicted.size > 0) {
    lines.push(
      `Files: ${f.updated.length} updated, ${f.added.length} added, ${f.removed.length} removed, ${f.renamed.length} renamed, ${conflicted.size} conflicted`,
    );
    const mark = (p: string) => (conflicted.has(p) ? '  (conflict)' : '');
    for (const p of f.updated) lines.push(`  M ${p}${mark(p)}`);
    for (const p of f.added) lines.push(`  A ${p}${mark(p)}`);
    for (const p of f.removed) lines.push(`  D ${p}`);
    for (const r of f.renamed) lines.push(`  R ${r.from} → ${r.to}${mark(r.to)}`);
    const listed = new Set([...f.updated, ...f.added, ...f.renamed.map((r) => r.to)]);
    for (const p of f.conflicted) if (!listed.has(p)) lines.push(`  C ${p}  (conflict)`);
  }
  const cd = where === '.' ? '' : `cd ${where} && `;
  switch (s.status) {
    case 'updated':
      lines.push(
        '',
        'Next steps:',
        `  ${cd}git show --stat HEAD     review the update commit`,
        "  run the service's tests; push and open a pull request as usual",
      );
      break;
    case 'conflicts':
      lines.push(
        '',
        'Next steps:',
        `  resolve the conflict markers in: ${f.conflicted.join(', ')}  (or ${cd}git mergetool)`,
        `  ${cd}git add <files> && git commit --no-edit`,
        `  to give up instead: ${cd}git merge --abort  (the next update offers the same changes again)`,
      );
      break;
    case 'would-update':
    case 'would-conflict':
      lines.push('Nothing was written. Run without --dry-run to apply.');
      break;
    case 'up-to-date':
      break;
  }
  return `${lines.join('\n')}\n`;
}
