import { relative, resolve } from 'node:path';
import { UsageError, combineUsageErrors, helpText, parseFlags, reportError, type Io } from '@paved/frame';
import {
  checkTarget,
  checkValue,
  generateTree,
  listTemplates,
  loadTemplate,
  missingValues,
  parseFeatureFlags,
  parseSetFlags,
  createRenderer,
  pavedRefLookup,
  renderContext,
  renderText,
  resolveAnswers,
  sortedEntries,
  templatesRoot,
  treeSize,
  writeTreeAtomic,
  type Answers,
  type AnswerValue,
  type FileTree,
  type RawAnswers,
  type Template,
} from './engine/index.js';
import { readOrgConfig, type OrgConfig } from './org-config.js';
import { detectPackageManager } from './package-manager.js';
import { PAVED_VERSION } from './version.js';

export { processIo, type Io } from '@paved/frame';

export const HELP = helpText({
  usage: [
    'create-service <name> --template <id> --team <team> [options]',
    'create-service --list-templates [--json]',
    'create-service update [<dir>] [options]     bring a generated service up to date (update --help)',
    'create-service --help | --version',
  ],
  about: `Scaffolds a production-ready microservice from a Paved golden-path template: service code with
health checks, metrics, tracing and JSON logs; its tests; a hardened Dockerfile; GitHub Actions
workflows; Kubernetes manifests per environment; catalog and ownership files.`,
  options: `  -t, --template <id>       golden path to use (see --list-templates)
      --team <team>         owning team (lowercase DNS label, at most 20 characters)
      --description <text>  one line saying what the service does
      --with <a,b>          optional features to add (repeatable, comma-separated)
      --set <key=value>     any template parameter (repeatable), e.g. --set port=8081
      --dir <parent>        folder to create the service in, made if missing (default: the current folder)
  -y, --yes                 take defaults for everything not given; never prompt
      --dry-run             print the files that would be written, write nothing
      --json                print a machine-readable summary instead of text
      --no-git              do not create a git repository and initial commit
      --list-templates      list the available templates, their parameters and features
      --publish <owner>     then create the GitHub repository under <owner>, push and protect it
                            (see \`paved publish --help\`; needs GITHUB_TOKEN, GH_TOKEN or gh login)
      --visibility <v>      with --publish: private (default), internal or public
      --api-url <url>       with --publish: GitHub Enterprise Server API, https://HOST/api/v3
  -h, --help                show this help
  -v, --version             show the version

The service name must be a lowercase DNS label (letters, digits, dashes; starting with a letter)
of at most 30 characters (a service named "update": put an option first, create-service -t go
update). At a terminal, what is missing is asked (name first; Enter takes the
default shown) and a summary is confirmed before writing. Without a terminal (or with CI set)
nothing is asked: missing required values are an error that lists them.

Organisation settings (githubOrg, pavedRepository, any parameter's default, a default team) are
read from paved.config.yaml in the target folder or a parent, then ~/.config/paved/config.yaml;
flags win over both.`,
  examples: [
    'npx create-service                                    # asks for everything at a terminal',
    'npx create-service orders -t go --team payments --yes',
    'npx create-service orders -t typescript --team payments --with postgres --set port=8081 --yes',
    'npx create-service orders -t python --team payments --yes --publish acme',
    'npx create-service --list-templates --json',
  ],
  json: true,
  footer: 'Environment: PAVED_TEMPLATES_DIR overrides where templates are read from.',
}).trimEnd();

const OPTIONS = {
  template: { type: 'string', short: 't' },
  team: { type: 'string' },
  description: { type: 'string' },
  with: { type: 'string', multiple: true },
  set: { type: 'string', multiple: true },
  dir: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  'no-git': { type: 'boolean' },
  'list-templates': { type: 'boolean' },
  publish: { type: 'string' },
  visibility: { type: 'string' },
  'api-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** The golden path `--yes` picks when no template is named. */
const DEFAULT_TEMPLATE = 'typescript';

/** create-service's entry: parse, ask, call the engine, report. Returns the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  try {
    // `create-service update` brings an existing service up to date; a service named "update"
    // is created with an option first (`create-service -t go update`).
    if (argv[0] === 'update') {
      const { runUpdateCommand } = await import('./update/command.js');
      return await runUpdateCommand(argv.slice(1), io);
    }
    return await create(argv, io);
  } catch (error) {
    return reportError(error, io, 'create-service', argv.includes('--json'));
  }
}

async function create(argv: string[], io: Io): Promise<number> {
  const { values: flags, positionals } = parseFlags(argv, OPTIONS, 'create-service');
  if (flags.help) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (flags.version) {
    io.stdout.write(`${PAVED_VERSION}\n`);
    return 0;
  }
  const root = templatesRoot(io.env);
  if (flags['list-templates']) return printTemplates(await listTemplates(root), io, flags.json === true);
  if (positionals.length > 1) {
    throw new UsageError(
      `expected one service name, got ${positionals.length}: ${positionals.join(' ')}`,
      'quote a description with spaces: --description "..."',
    );
  }

  // Flag combinations are checked before anything is asked.
  if (flags.publish !== undefined && (flags['no-git'] || flags['dry-run'])) {
    throw new UsageError(`--publish cannot be combined with ${flags['no-git'] ? '--no-git' : '--dry-run'}: publishing pushes the generated repository`);
  }
  if (flags.publish === undefined && (flags.visibility !== undefined || flags['api-url'] !== undefined)) {
    throw new UsageError('--visibility and --api-url only apply with --publish <owner>');
  }
  const publish = flags.publish === undefined ? undefined : await import('./publish/command.js');
  const visibility = publish?.checkVisibility(flags.visibility);
  if (flags.publish !== undefined) publish?.checkOwner(flags.publish);
  const interactive = io.interactive && !flags.yes && !flags.json && !io.env.CI;
  const parent = resolve(io.cwd, flags.dir ?? '.');
  const org = await readOrgConfig(parent, io.env);
  const prompts = interactive ? await import('./prompts.js') : undefined;
  // Name first, then the golden path, as create-vite asks.
  const name = positionals[0] ?? (prompts ? await prompts.askName() : undefined);
  let templateId = flags.template ?? (flags.yes ? DEFAULT_TEMPLATE : undefined);
  if (templateId === undefined && prompts) templateId = await prompts.askTemplate(await listTemplates(root), DEFAULT_TEMPLATE);
  if (templateId === undefined) {
    throw combineUsageErrors(
      [
        ...(name === undefined ? ['the service name is missing (first argument)'] : []),
        'the template is missing (--template <id>)',
        ...(flags.team === undefined && org.team === undefined ? ['the team is missing (--team <team>)'] : []),
      ],
      'run `create-service --list-templates` for templates, or pass --yes to use the typescript one',
    );
  }
  const template = await loadTemplate(templateId, root);

  /** What the command line gave. */
  const given: RawAnswers = {
    name,
    team: flags.team,
    values: { ...parseSetFlags(flags.set ?? []) },
    features: parseFeatureFlags(flags.with, '--with'),
  };
  if (flags.description !== undefined) {
    if (!template.manifest.parameters.some((p) => p.name === 'description')) {
      throw new UsageError(`template ${template.manifest.id} has no description parameter`);
    }
    given.values = { ...given.values, description: flags.description };
  }
  const configured = await configuredValues(template, org, root);
  const asked: RawAnswers = prompts ? await prompts.askMissing(template, given, org, flags.with === undefined) : {};
  // A flag wins over an answer, an answer over the organisation's config, that over the template's default.
  const raw: RawAnswers = {
    name,
    team: given.team ?? asked.team ?? org.team?.value,
    values: { ...configured, ...asked.values, ...given.values },
    features: asked.features ?? given.features ?? [],
  };
  if (!prompts) {
    const missing = missingValues(template, raw);
    if (missing.length > 0) {
      throw combineUsageErrors(
        missing.map((m) =>
          m === 'name'
            ? 'the service name is missing (first argument)'
            : m === 'team'
              ? 'the team is missing (--team <team>)'
              : `parameter ${m} has no default and was not given (--set ${m}=<value>)`,
        ),
        'nothing is asked without a terminal: pass the values as flags (or defaults in paved.config.yaml)',
      );
    }
  }
  const answers = resolveAnswers(template, raw);
  const target = resolve(parent, answers.name);
  await checkTarget(target);
  if (prompts) await prompts.confirmCreate(prompts.summaryLines(template, answers, org, given, displayPath(io.cwd, target)), answers.name);
  const tree = await generateTree(template, answers, io.env);

  if (!flags['dry-run']) {
    const git = !flags['no-git'];
    await writeTreeAtomic(tree, target, {
      ...(io.signal ? { signal: io.signal } : {}),
      ...(git
        ? {
            finish: async (dir: string) => {
              // Loaded only when needed: an installed package run with --no-git never starts git.
              const { initRepository } = await import('./git.js');
              await initRepository(dir, `chore: scaffold ${answers.name} from ${template.manifest.id} template ${template.manifest.version}`);
            },
          }
        : {}),
    });
  }
  const summary = {
    targetDir: target,
    template: { id: template.manifest.id, version: template.manifest.version },
    name: answers.name,
    team: answers.team,
    features: answers.features,
    dryRun: flags['dry-run'] === true,
    git: !flags['dry-run'] && !flags['no-git'],
    files: sortedEntries(tree).map(([path, f]) => ({ path, size: f.contents.length, mode: `0${f.mode.toString(8)}` })),
  };
  if (!flags.json) {
    if (flags['dry-run']) printTree(tree, target, io);
    else await printDone(template, answers, target, tree, io, summary.git);
  }
  if (publish === undefined || flags.publish === undefined) {
    if (flags.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }

  // The service is complete on disk; publishing is a second, re-runnable step whose failure
  // leaves it untouched (and says how to finish with `paved publish`).
  const request = { dir: target, owner: flags.publish, visibility, apiUrl: flags['api-url'], dryRun: false };
  const { report, code } = await publish.publishAndReport(request, io, flags.json ? 'none' : 'text');
  // with --json, one document: the summary with the publish report inside
  if (flags.json) io.stdout.write(`${JSON.stringify({ ...summary, publish: report }, null, 2)}\n`);
  if (code !== 0)
    io.stderr.write(`create-service: ${answers.name} was created in ${target}; finish publishing with: paved publish ${target} --owner ${flags.publish}\n`);
  return code;
}

function printTree(tree: FileTree, target: string, io: Io): void {
  const entries = sortedEntries(tree);
  const width = Math.max(...entries.map(([, f]) => String(f.contents.length).length));
  io.stdout.write(`Would write ${entries.length} files (${treeSize(tree)} bytes) to ${target}:\n`);
  for (const [path, f] of entries) io.stdout.write(`  ${String(f.contents.length).padStart(width)}  ${path}${f.mode & 0o111 ? '  (executable)' : ''}\n`);
  io.stdout.write('Dry run: nothing was written.\n');
}

/** target as the user would type it from cwd: relative below it, absolute elsewhere. */
function displayPath(cwd: string, target: string): string {
  const fromHere = relative(cwd, target);
  return fromHere === '' ? '.' : fromHere.startsWith('..') ? target : fromHere;
}

/**
 * The organisation's values for the template's parameters (paved.config.yaml). A key that no
 * template declares is a mistake in the file and is refused; one that only other templates
 * declare is theirs.
 */
async function configuredValues(template: Template, org: OrgConfig, root: string): Promise<Record<string, AnswerValue>> {
  const values: Record<string, AnswerValue> = {};
  const foreign: string[] = [];
  const problems: string[] = [];
  for (const [key, { value, file }] of org.defaults) {
    const p = template.manifest.parameters.find((candidate) => candidate.name === key);
    if (p === undefined) {
      foreign.push(key);
      continue;
    }
    const checked = checkValue(p, value);
    if (typeof checked === 'string') problems.push(`${file}: defaults.${key}: ${checked}`);
    else values[key] = checked.value;
  }
  if (problems.length > 0) throw combineUsageErrors(problems, 'fix the file, or override the value with --set');
  if (foreign.length > 0) {
    const known = new Set((await listTemplates(root)).flatMap((t) => t.manifest.parameters.map((p) => p.name)));
    const unknown = foreign.filter((key) => !known.has(key));
    if (unknown.length > 0) {
      const files = [...new Set(unknown.map((key) => org.defaults.get(key)!.file))].join(', ');
      throw new UsageError(
        `${files}: no template has the parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => JSON.stringify(key)).join(', ')}`,
        `the keys under defaults are: team, ${[...known].sort().join(', ')}`,
      );
    }
  }
  return values;
}

async function printDone(template: Template, answers: Answers, target: string, tree: FileTree, io: Io, git: boolean): Promise<void> {
  const where = displayPath(io.cwd, target);

  io.stdout.write(
    `Created ${answers.name} (${template.manifest.id} ${template.manifest.version}, team ${answers.team}) in ${where}: ${tree.size} files${git ? ', git repository with an initial commit' : ''}.\n`,
  );
  const steps = await nextSteps(template, answers, io.env);
  io.stdout.write(`\nNext steps:\n  cd ${where.includes(' ') ? JSON.stringify(where) : where}\n${steps.map((s) => `  ${s}\n`).join('')}`);
  const needed = nodeTheServiceNeeds(tree);
  if (needed) io.stderr.write(`\nwarning: ${needed}\n`);
}

/**
 * Says so when the Node.js running create-service is not the major line the generated service
 * runs on (its `.nvmrc`, e.g. "26"), before `npm ci` refuses it (engine-strict). The major is
 * read as nvm reads it; no version library is loaded, as that would cost every scaffold about
 * a tenth of its time.
 */
function nodeTheServiceNeeds(tree: FileTree): string | undefined {
  const pinned = tree.get('.nvmrc')?.contents.toString('utf8').trim();
  const major = pinned === undefined ? undefined : /^v?(\d+)(\.|$)/.exec(pinned)?.[1];
  if (major === undefined || major === process.versions.node.split('.')[0]) return undefined;
  return `the service runs on Node.js ${major} (.nvmrc); this is Node.js ${process.versions.node}. Install Node.js ${major} (with nvm: \`nvm install\` in the service folder) before \`npm ci\`.`;
}

/** The manifest's next steps, rendered with the answers and the user's package manager. */
export async function nextSteps(template: Template, answers: Answers, env: NodeJS.ProcessEnv): Promise<string[]> {
  const hb = await createRenderer(template.root);
  const context = { ...renderContext(template, answers, await pavedRefLookup(env)), pm: detectPackageManager(env.npm_config_user_agent) };
  const origin = `${template.manifest.id}/template.yaml nextSteps`;
  return Promise.all(template.manifest.nextSteps.map((step) => renderText(hb, step, context, origin)));
}

function printTemplates(templates: Template[], io: Io, json: boolean): number {
  if (json) {
    const list = templates.map(({ manifest: m }) => ({
      id: m.id,
      version: m.version,
      language: m.language,
      description: m.description,
      parameters: m.parameters.map((p) => ({ ...p })),
      features: m.features,
    }));
    io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  if (templates.length === 0) {
    io.stdout.write('No templates found.\n');
    return 0;
  }
  for (const { manifest: m } of templates) {
    io.stdout.write(`${m.id} ${m.version} (${m.language})\n  ${m.description}\n`);
    const params = m.parameters.map((p) => `${p.name}${p.default === undefined ? '' : `=${String(p.default)}`}`);
    if (params.length > 0) io.stdout.write(`  parameters: ${params.join(', ')}\n`);
    if (m.features.length > 0)
      io.stdout.write(
        `  features: ${m.features.map((f) => `${f.id} (${f.description}${f.requires?.length ? `; needs ${f.requires.join(', ')}` : ''})`).join(', ')}\n`,
      );
  }
  return 0;
}
