import { PavedError } from '@paved/frame';
import type { Answers, AnswerValue, RawAnswers, Template } from './engine/index.js';
import { checkValue, nameProblem } from './engine/index.js';
import type { Parameter } from './engine/manifest.js';
import type { OrgConfig } from './org-config.js';

type Clack = typeof import('@clack/prompts');

/** Loaded only when a terminal is attached: scripted runs never pay for the prompt library. */
async function clack(): Promise<Clack> {
  return import('@clack/prompts');
}

function unlessCancelled<T>(c: Clack, value: T): Exclude<T, symbol> {
  if (c.isCancel(value)) throw new PavedError('cancelled; nothing was written', { exitCode: 130 });
  return value as Exclude<T, symbol>;
}

/** What Enter takes on an empty name prompt, as create-vite offers "vite-project". */
export const DEFAULT_SERVICE_NAME = 'my-service';

/**
 * A text prompt whose shown default is what Enter takes: clack validates the raw input before
 * it applies defaultValue, so an empty answer is checked as the default.
 */
async function text(c: Clack, message: string, fallback: string | undefined, problem: (value: string) => string | undefined): Promise<string> {
  return unlessCancelled(
    c,
    await c.text({
      message,
      ...(fallback === undefined ? {} : { placeholder: fallback, defaultValue: fallback }),
      validate: (value) => problem(value || fallback || ''),
    }),
  );
}

export async function askName(): Promise<string> {
  return text(await clack(), 'Service name', DEFAULT_SERVICE_NAME, (v) => nameProblem('service', v));
}

export async function askTemplate(templates: Template[], preselected: string): Promise<string> {
  const c = await clack();
  return unlessCancelled(
    c,
    await c.select({
      message: 'Which golden path?',
      initialValue: preselected,
      options: templates.map((t) => ({ value: t.manifest.id, label: t.manifest.id, hint: t.manifest.description })),
    }),
  );
}

/**
 * Asks for what a service developer knows and the command line did not give: the team, the
 * parameters marked `ask: always`, an organisation setting (`ask: unless-configured`) that no
 * config file gives, and the features. Defaults are shown and taken by Enter. Returns the
 * answers given here; flags and config files are merged by the caller.
 */
export async function askMissing(template: Template, given: RawAnswers, org: OrgConfig, askFeatures: boolean): Promise<RawAnswers> {
  const c = await clack();
  const asked: RawAnswers = { values: {} };
  if (given.team === undefined) asked.team = await text(c, 'Owning team', org.team?.value, (v) => nameProblem('team', v));
  for (const p of template.manifest.parameters) {
    if (given.values?.[p.name] !== undefined || p.ask === 'never') continue;
    const configured = org.defaults.get(p.name)?.value;
    if (p.ask === 'unless-configured' && configured !== undefined) continue;
    (asked.values as Record<string, AnswerValue>)[p.name] = await askParameter(c, p, configured ?? p.default);
  }
  if (askFeatures && template.manifest.features.length > 0) {
    asked.features = unlessCancelled(
      c,
      await c.multiselect({
        message: 'Optional features (space to toggle, Enter for none)',
        required: false,
        options: template.manifest.features.map((f) => ({
          value: f.id,
          label: f.id,
          hint: f.requires?.length ? `${f.description} (needs ${f.requires.join(', ')})` : f.description,
        })),
      }),
    );
    // Picking a feature picks what it builds on: the list said so, and asking again would only annoy.
    const picked = new Set(asked.features);
    for (const f of template.manifest.features) if (picked.has(f.id)) for (const required of f.requires ?? []) picked.add(required);
    asked.features = template.manifest.features.map((f) => f.id).filter((id) => picked.has(id));
  }
  return asked;
}

async function askParameter(c: Clack, p: Parameter, fallback: AnswerValue | undefined): Promise<AnswerValue> {
  switch (p.type) {
    case 'boolean':
      return unlessCancelled(c, await c.confirm({ message: p.prompt, initialValue: fallback === true }));
    case 'enum':
      return unlessCancelled(
        c,
        await c.select({
          message: p.prompt,
          options: p.values.map((v) => ({ value: v, label: v })),
          initialValue: typeof fallback === 'string' ? fallback : p.values[0],
        }),
      );
    case 'number':
    case 'string': {
      if (p.type === 'string' && p.secret) return unlessCancelled(c, await c.password({ message: p.prompt }));
      return text(c, p.prompt, fallback === undefined ? undefined : String(fallback), (v) => {
        const checked = checkValue(p, v);
        return typeof checked === 'string' ? checked : undefined;
      });
    }
  }
}

/** One line per answer, and where an organisation setting came from. */
export function summaryLines(template: Template, answers: Answers, org: OrgConfig, flags: RawAnswers, where: string): string[] {
  const source = (p: Parameter): string => {
    if (flags.values?.[p.name] !== undefined) return '';
    const configured = org.defaults.get(p.name);
    // the file's value, unless an answer replaced it (checked values compare as text)
    if (configured !== undefined) return String(configured.value) === String(answers.values[p.name]) ? `  (${configured.file})` : '';
    return p.ask === 'unless-configured' ? '  (template default: set it once in paved.config.yaml)' : '';
  };
  const rows: Array<[string, string]> = [
    ['service', answers.name],
    ['template', `${template.manifest.id} ${template.manifest.version}`],
    ['team', answers.team],
    ...template.manifest.parameters.filter((p) => !p.secret).map((p): [string, string] => [p.name, `${String(answers.values[p.name])}${source(p)}`]),
    ['features', answers.features.join(', ') || '(none)'],
    ['folder', where],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
}

/** Shows the summary and asks before anything is written; No cancels (exit 130). */
export async function confirmCreate(lines: string[], name: string): Promise<void> {
  const c = await clack();
  c.note(lines.join('\n'), 'Summary');
  const yes = unlessCancelled(c, await c.confirm({ message: `Create ${name}?`, initialValue: true }));
  if (!yes) throw new PavedError('cancelled; nothing was written', { exitCode: 130 });
}
