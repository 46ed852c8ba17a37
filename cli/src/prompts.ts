import { PavedError } from './errors.js';
import type { AnswerValue, RawAnswers, Template } from './engine/index.js';
import { checkValue, nameProblem, SERVICE_NAME_MAX, TEAM_NAME_MAX } from './engine/index.js';
import type { Parameter } from './engine/manifest.js';

type Clack = typeof import('@clack/prompts');

/** Loaded only when a terminal is attached: scripted runs never pay for the prompt library. */
async function clack(): Promise<Clack> {
  return import('@clack/prompts');
}

function unlessCancelled<T>(c: Clack, value: T): Exclude<T, symbol> {
  if (c.isCancel(value)) throw new PavedError('cancelled; nothing was written', { exitCode: 130 });
  return value as Exclude<T, symbol>;
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

/** Asks for everything the user did not give on the command line, defaults pre-filled. */
export async function askMissing(template: Template, raw: RawAnswers, askFeatures: boolean): Promise<RawAnswers> {
  const c = await clack();
  const answers: RawAnswers = { ...raw, values: { ...raw.values } };
  if (answers.name === undefined) {
    answers.name = unlessCancelled(
      c,
      await c.text({ message: 'Service name', placeholder: 'orders', validate: (v) => nameProblem('service', v ?? '', SERVICE_NAME_MAX) }),
    );
  }
  if (answers.team === undefined) {
    answers.team = unlessCancelled(
      c,
      await c.text({ message: 'Owning team', placeholder: 'payments', validate: (v) => nameProblem('team', v ?? '', TEAM_NAME_MAX) }),
    );
  }
  for (const p of template.manifest.parameters) {
    if (answers.values?.[p.name] !== undefined) continue;
    (answers.values as Record<string, AnswerValue>)[p.name] = await askParameter(c, p);
  }
  if (askFeatures && template.manifest.features.length > 0) {
    answers.features = unlessCancelled(
      c,
      await c.multiselect({
        message: 'Optional features (space to toggle)',
        required: false,
        options: template.manifest.features.map((f) => ({ value: f.id, label: f.id, hint: f.description })),
      }),
    );
  }
  return answers;
}

async function askParameter(c: Clack, p: Parameter): Promise<AnswerValue> {
  switch (p.type) {
    case 'boolean':
      return unlessCancelled(c, await c.confirm({ message: p.prompt, initialValue: p.default ?? false }));
    case 'enum':
      return unlessCancelled(
        c,
        await c.select({ message: p.prompt, options: p.values.map((v) => ({ value: v, label: v })), initialValue: p.default ?? p.values[0] }),
      );
    case 'number':
    case 'string': {
      if (p.type === 'string' && p.secret) {
        return unlessCancelled(c, await c.password({ message: p.prompt }));
      }
      const initial = p.default === undefined ? '' : String(p.default);
      const text = unlessCancelled(
        c,
        await c.text({
          message: p.prompt,
          initialValue: initial,
          validate: (v) => {
            const checked = checkValue(p, v ?? '');
            return typeof checked === 'string' ? checked : undefined;
          },
        }),
      );
      return text;
    }
  }
}
